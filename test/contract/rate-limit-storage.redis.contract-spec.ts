import { createRedisClient, RedisRateLimitStorage } from '@app/redis';
import type Redis from 'ioredis';
import { rateLimitStorageContract } from './suites/rate-limit-storage.contract';

describe('RateLimitStorage — Redis (split)', () => {
  const clients: Redis[] = [];
  rateLimitStorageContract({
    create: async () => {
      const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
      clients.push(redis);
      return new RedisRateLimitStorage(redis);
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
