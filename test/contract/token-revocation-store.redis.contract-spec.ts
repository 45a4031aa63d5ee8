import { createRedisClient, RedisTokenRevocationStore } from '@app/redis';
import type Redis from 'ioredis';
import { tokenRevocationStoreContract } from './suites/token-revocation-store.contract';

describe('TokenRevocationStore — Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    return redis;
  };
  tokenRevocationStoreContract({
    create: async () => new RedisTokenRevocationStore(client()),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
