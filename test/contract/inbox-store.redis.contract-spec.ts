import { createRedisClient, RedisInboxStore } from '@app/redis';
import type Redis from 'ioredis';
import { inboxStoreContract } from './suites/inbox-store.contract';

describe('InboxStore — Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    return redis;
  };
  inboxStoreContract({
    create: async ({ retentionMs }) => new RedisInboxStore(client(), { retentionMs }),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
