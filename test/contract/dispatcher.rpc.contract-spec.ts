import { loadConfig, MessageDispatchConfig } from '@app/config';
import { ConsumerGroup, HistoryStore } from '@app/core';
import { RpcDispatcher } from '@app/dispatch';
import { StorageConsumers } from '@app/storage';
import { createHttpApp } from '@app/platform';
import { createRedisClient, RedisInboxStore } from '@app/redis';
import { RocketMqMessageBus } from '@app/rocketmq';
import { claimRedisTestDatabase, freePort } from '@app/testing';
import { INestApplication, Logger } from '@nestjs/common';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MessageDispatchModule } from '../../apps/message-dispatch/src/message-dispatch.module';
import { dispatcherContract } from './suites/dispatcher.contract';

const ROOT = join(__dirname, '../..');
const endpoints = process.env.ROCKETMQ_ENDPOINTS ?? '127.0.0.1:8081';
const HOUR = 3600_000;
// creating the topic runs mqadmin (a JVM) and starting the clients waits for the proxy's routes
jest.setTimeout(120_000);

/**
 * The split: the gateway's RpcDispatcher over the @nestjs/microservices TCP transport to a real message-dispatch
 * (apps/message-dispatch's module, served in this process as its main.ts serves it) on real Redis and RocketMQ, with
 * the storage-worker's offline consumer writing the inbox from the broker. A topic, consumer group and Redis database
 * of this run's own: no other run's messages, routes or inboxes mix in, and no other consumer takes ours.
 */
describe('Dispatcher — RPC to message-dispatch (split: TCP, Redis, RocketMQ)', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `sbcontract-dispatch-${run}`;
  const groupPrefix = `sbcontract-dispatch-${run}`;
  const topicScript = (action: 'create' | 'delete') =>
    promisify(execFile)('bash', [join(ROOT, 'scripts/infra/topic.sh'), action, topic, `${groupPrefix}-offline`]);

  let lease: Awaited<ReturnType<typeof claimRedisTestDatabase>> | undefined;
  let topicCreated = false;
  let app: INestApplication | undefined;
  let appClosed = false;
  let worker: RocketMqMessageBus | undefined;
  let client: RpcDispatcher | undefined;
  const clients: Redis[] = [];

  const closeApp = async () => {
    if (app && !appClosed) {
      appClosed = true;
      await app.close();
    }
  };

  beforeAll(() => Logger.overrideLogger(['error']));

  dispatcherContract({
    create: async () => {
      await topicScript('create');
      topicCreated = true;
      lease = await claimRedisTestDatabase();
      const secret = randomBytes(24).toString('hex');
      const rpcPort = await freePort();
      const config = loadConfig(MessageDispatchConfig, {
        JWT_SECRET: randomBytes(24).toString('hex'),
        INTERNAL_SECRET: secret,
        REDIS_URL: lease.url,
        ROCKETMQ_ENDPOINTS: endpoints,
        ROCKETMQ_TOPIC: topic,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        RPC_PORT: String(rpcPort),
        LOG_LEVEL: 'error',
      });

      // storage-worker's offline group: the broker's messages into the Redis inboxes
      const redis = createRedisClient(lease.url, 'contract-dispatcher');
      clients.push(redis);
      const inbox = new RedisInboxStore(redis, { retentionMs: config.INBOX_RETENTION_HOURS * HOUR });
      // only the offline group runs here: the history store is never reached
      const consumers = new StorageConsumers(inbox, {} as HistoryStore);
      worker = new RocketMqMessageBus({
        endpoints,
        topic,
        groupPrefix,
        invisibleDurationMs: 10_000,
        awaitDurationMs: 5_000,
      });
      await worker.subscribe(ConsumerGroup.Offline, (batch) => consumers.storeOffline(batch));

      // message-dispatch as apps/message-dispatch/src/main.ts boots it (its HTTP side is not needed here)
      app = await createHttpApp(MessageDispatchModule.register(config), config, { logger: false, abortOnError: false });
      app.connectMicroservice<MicroserviceOptions>(
        { transport: Transport.TCP, options: { host: '127.0.0.1', port: rpcPort } },
        { inheritAppConfig: false },
      );
      await app.startAllMicroservices();
      await app.init();

      // the gateway's side, as apps/gateway wires it
      client = new RpcDispatcher({
        url: `tcp://127.0.0.1:${rpcPort}`,
        secret,
        timeoutMs: config.PUBLISH_TIMEOUT_MS + 2000,
      });
      await client.ping();
      return { dispatcher: client, inbox };
    },
    outage: closeApp,
    close: async () => {
      client?.close();
      await closeApp().catch(() => undefined);
      await worker?.close().catch(() => undefined);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await lease?.release();
      if (topicCreated) await topicScript('delete');
    },
  });
});
