import { createRedisClient, RedisSessionRegistry } from '@app/redis';
import type Redis from 'ioredis';
import { sessionRegistryContract } from './suites/session-registry.contract';

describe('SessionRegistry — Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    return redis;
  };
  sessionRegistryContract({
    create: async () => new RedisSessionRegistry(client()),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
