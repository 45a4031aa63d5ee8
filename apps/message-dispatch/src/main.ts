import 'reflect-metadata';
import { loadConfig, MessageDispatchConfig } from '@app/config';
import { configureHttpApp, createHttpApp, exitOnBootFailure } from '@app/platform';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MessageDispatchModule } from './message-dispatch.module';

async function main(): Promise<void> {
  const config = loadConfig(MessageDispatchConfig);
  const app = await createHttpApp(MessageDispatchModule.register(config), config, { abortOnError: false });
  configureHttpApp(app, { title: 'Switchboard message-dispatch', swagger: false });
  // the gateways' sends: request–reply over one persistent TCP connection each (HTTP keeps /health and /metrics)
  // (not the HTTP app's global filters and pipes: the handlers answer refusals in their replies)
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.TCP,
    options: { host: config.HOST, port: config.RPC_PORT },
  });
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  console.log(`message-dispatch listening on ${await app.getUrl()}, internal dispatch on tcp port ${config.RPC_PORT}`);
}

main().catch(exitOnBootFailure('message-dispatch'));
