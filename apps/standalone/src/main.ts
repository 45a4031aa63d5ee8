import 'reflect-metadata';
import { ConfigError, loadConfig, StandaloneConfig } from '@app/config';
import { createStandaloneApp } from './standalone.app';

async function main(): Promise<void> {
  const config = loadConfig(StandaloneConfig);
  const app = await createStandaloneApp(config);
  await app.listen(config.PORT, config.HOST);
  console.log(`Switchboard (one process) listening on ${await app.getUrl()} — API /api/v1, docs /docs, health /health`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
