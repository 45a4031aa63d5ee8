import 'reflect-metadata';
import { GatewayConfig, loadConfig } from '@app/config';
import { WEB_APP_ROUTES } from '@app/web-static';
import { configureHttpApp, createHttpApp, exitOnBootFailure } from '@app/platform';
import { WS_ENTRY_PATH, WsForwarder } from '@app/transport';
import { GatewayModule } from './gateway.module';
import { routeWsEntry } from './ws-entry.route';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const app = await createHttpApp(GatewayModule.register(config), config, { abortOnError: false });
  const forwarder = app.get(WsForwarder);
  routeWsEntry(app, forwarder);
  configureHttpApp(app, { title: 'Switchboard', swagger: true, unprefixed: WEB_APP_ROUTES });
  forwarder.attach(app.getHttpServer());
  await app.listen(config.PORT, config.HOST);
  console.log(`gateway listening on ${await app.getUrl()} — API /api/v1, docs /docs, push entry ${WS_ENTRY_PATH}`);
}

main().catch(exitOnBootFailure('gateway'));
