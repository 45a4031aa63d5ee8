import { createRedisClient, RedisInvalidationBus } from '@app/redis';
import type Redis from 'ioredis';
import { invalidationBusContract } from './suites/invalidation-bus.contract';

describe('InvalidationBus — Redis', () => {
  const clients: Redis[] = [];
  const buses: RedisInvalidationBus[] = [];
  invalidationBusContract({
    create: async () => {
      const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract-invalidation');
      clients.push(redis);
      const bus = new RedisInvalidationBus(redis);
      buses.push(bus);
      return bus;
    },
    close: async () => {
      await Promise.all(buses.map((b) => b.close()));
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
