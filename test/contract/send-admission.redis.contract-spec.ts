import { SequentialSendAdmission } from '@app/core';
import { createRedisClient, RedisInboxStore, RedisSendAdmission, RedisSendDedupStore } from '@app/redis';
import type Redis from 'ioredis';
import { sendAdmissionContract } from './suites/send-admission.contract';

const RETENTION_MS = 3 * 24 * 3600_000;

describe.each([
  ['one script', (r: Redis) => new RedisSendAdmission(r, { retentionMs: RETENTION_MS })],
  [
    'sequential over the Redis stores',
    (r: Redis) =>
      new SequentialSendAdmission(new RedisSendDedupStore(r), new RedisInboxStore(r, { retentionMs: RETENTION_MS })),
  ],
])('SendAdmission — Redis, %s', (_, admissionOf) => {
  let redis: Redis;
  sendAdmissionContract({
    create: async () => {
      redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
      return {
        admission: admissionOf(redis),
        dedup: new RedisSendDedupStore(redis),
        inbox: new RedisInboxStore(redis, { retentionMs: RETENTION_MS }),
      };
    },
    close: async () => void (await redis.quit()),
  });
});
