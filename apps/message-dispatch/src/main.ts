import 'reflect-metadata';
import { loadConfig, MessageDispatchConfig } from '@app/config';
import { configureHttpApp, exitOnBootFailure } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import { MessageDispatchModule } from './message-dispatch.module';

async function main(): Promise<void> {
  const config = loadConfig(MessageDispatchConfig);
  const app = await NestFactory.create(MessageDispatchModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, { title: 'Switchboard message-dispatch', swagger: false });
  await app.listen(config.PORT, config.HOST);
  console.log(`message-dispatch listening on ${await app.getUrl()}`);
}

main().catch(exitOnBootFailure('message-dispatch'));
