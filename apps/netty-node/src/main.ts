import 'reflect-metadata';
import { loadConfig, NettyNodeConfig } from '@app/config';
import { configureHttpApp, createHttpApp, exitOnBootFailure } from '@app/platform';
import { NettyNodeModule } from './netty-node.module';
import { NodeLifecycle } from './node-lifecycle.service';
import { RedisIoAdapter } from './redis-io.adapter';

async function main(): Promise<void> {
  const config = loadConfig(NettyNodeConfig);
  const app = await createHttpApp(NettyNodeModule.register(config), config, { abortOnError: false });
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.REDIS_URL));
  configureHttpApp(app, { title: 'Switchboard push node', swagger: false });
  await app.listen(config.PORT, config.HOST);
  await app.get(NodeLifecycle).join();
  console.log(`netty-node ${config.NODE_ID} listening on ${await app.getUrl()} (internal :${config.INTERNAL_PORT})`);
}

main().catch(exitOnBootFailure('netty-node'));
