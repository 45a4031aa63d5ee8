import { createRedisClient, RedisLastSeenStore } from '@app/redis';
import type Redis from 'ioredis';
import { lastSeenStoreContract } from './suites/last-seen-store.contract';

describe('LastSeenStore — Redis', () => {
  const clients: Redis[] = [];
  lastSeenStoreContract({
    create: async () => {
      const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
      clients.push(redis);
      return new RedisLastSeenStore(redis);
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
