import { StandaloneConfig } from '@app/config';
import { WEB_APP_ROUTES } from '@app/web-static';
import { configureHttpApp, createHttpApp } from '@app/platform';
import { PushIoAdapter } from '@app/push';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StandaloneModule } from './standalone.module';

/**
 * The quick start needs no configuration: without JWT_SECRET, a random one is created once in DATA_DIR and reused,
 * so tokens survive restarts.
 */
export function ensureJwtSecret(config: StandaloneConfig): void {
  if (config.JWT_SECRET) return;
  mkdirSync(config.DATA_DIR, { recursive: true });
  const file = join(config.DATA_DIR, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  config.JWT_SECRET = readFileSync(file, 'utf8').trim();
}

export async function createStandaloneApp(config: StandaloneConfig): Promise<NestFastifyApplication> {
  ensureJwtSecret(config);
  const app = await createHttpApp(StandaloneModule.register(config), config);
  app.useWebSocketAdapter(new PushIoAdapter(app));
  configureHttpApp(app, { title: 'Switchboard', swagger: true, unprefixed: WEB_APP_ROUTES });
  return app;
}
