import 'reflect-metadata';
import { loadConfig, StorageWorkerConfig } from '@app/config';
import { configureHttpApp, exitOnBootFailure } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import { StorageWorkerModule } from './storage-worker.module';

async function main(): Promise<void> {
  const config = loadConfig(StorageWorkerConfig);
  const app = await NestFactory.create(StorageWorkerModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, { title: 'Switchboard storage-worker', swagger: false });
  await app.listen(config.PORT, config.HOST);
  console.log(`storage-worker listening on ${await app.getUrl()}`);
}

main().catch(exitOnBootFailure('storage-worker'));
