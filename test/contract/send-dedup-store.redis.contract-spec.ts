import { createRedisClient, RedisSendDedupStore } from '@app/redis';
import type Redis from 'ioredis';
import { sendDedupStoreContract } from './suites/send-dedup-store.contract';

describe('SendDedupStore — Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    return redis;
  };
  sendDedupStoreContract({
    create: async () => new RedisSendDedupStore(client()),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  });
});
