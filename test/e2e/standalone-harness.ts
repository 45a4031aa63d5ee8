import { loadConfig, StandaloneConfig } from '@app/config';
import type { PushErrorEvent, PushMessage } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { freePort } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { createStandaloneApp } from '../../apps/standalone/src/standalone.app';

export interface RunningStandalone {
  app: INestApplication;
  baseUrl: string;
  dataDir: string;
  config: StandaloneConfig;
  stop(): Promise<void>;
  /** Stop and remove the data directory. */
  destroy(): Promise<void>;
}

/** Boots the one-process server on a free port with its own data directory, as `npm start` would. */
export async function startStandalone(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-')),
): Promise<RunningStandalone> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const config = loadConfig(StandaloneConfig, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SEND_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE: '100000',
    PASSWORD_HASH_QUEUE_MAX: '100000',
    RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
    ...env,
  });
  const app = await createStandaloneApp(config);
  await app.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => app.close();
  return {
    app,
    baseUrl,
    dataDir,
    config,
    stop,
    destroy: async () => (await stop(), rmSync(dataDir, { recursive: true, force: true })),
  };
}

let counter = 0;
/** Registers and logs in a fresh user. */
export async function newUser(baseUrl: string, prefix = 'user'): Promise<SwitchboardClient> {
  const client = new SwitchboardClient({ baseUrl, ackDelayMs: 10, gapWaitMs: 50 });
  const username = `${prefix}${process.pid}_${++counter}_${Date.now() % 100000}`;
  await client.register(username, 'password-123');
  await client.login(username, 'password-123');
  return client;
}

/** Makes two users friends through the public API. */
export async function befriend(a: SwitchboardClient, b: SwitchboardClient): Promise<void> {
  const { id } = await a.requestFriend(b.userId);
  await b.acceptFriend(id);
}

/** Collects what a client releases to the app. */
export function collect(client: SwitchboardClient) {
  const messages: import('@app/protocol').PushMessage[] = [];
  client.on('message', (m) => messages.push(m));
  return messages;
}

/** A raw socket.io client (the SDK would reconnect by itself; here the test drives every step). */
export function openSocket(baseUrl: string, token: string, lastSeq = 0) {
  const socket: Socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token, lastSeq },
  });
  const messages: PushMessage[] = [];
  const errors: PushErrorEvent[] = [];
  let connected = false;
  socket.on('message', (m: PushMessage) => messages.push(m));
  socket.on('error', (e: PushErrorEvent) => errors.push(e));
  socket.on('connected', () => (connected = true));
  return { socket, messages, errors, isConnected: () => connected };
}
