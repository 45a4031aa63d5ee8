import { createRedisClient, RedisPresenceStore } from '@app/redis';
import type Redis from 'ioredis';
import { presenceStoreContract } from './suites/presence-store.contract';

describe('PresenceStore — Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    return redis;
  };
  presenceStoreContract({
    create: async () => new RedisPresenceStore(client()),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
