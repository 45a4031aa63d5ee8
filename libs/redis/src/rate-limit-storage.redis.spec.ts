import { newTimeOrderedId } from '@app/core';
import type Redis from 'ioredis';
import { createRedisClient } from './redis-connection';
import { RedisRateLimitStorage } from './rate-limit-storage.redis';

/** Against the real Redis; what every store must count is the contract suite's (rate-limit-storage.*.contract-spec). */
describe('RedisRateLimitStorage', () => {
  let redis: Redis;
  let sent: string[];

  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'rate-limit-storage-spec');
    // which commands go out, and with how many bytes of arguments (the store binds `call` when it is built)
    const call = redis.call.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    (redis as unknown as { call: unknown }).call = (...args: unknown[]) => {
      sent.push(`${String(args[0])} ${JSON.stringify(args.slice(1)).length}`);
      return call(...args);
    };
  });
  beforeEach(() => (sent = []));
  afterAll(() => redis.quit());

  it("sends the script's hash, not its text, once Redis holds it", async () => {
    const store = new RedisRateLimitStorage(redis);
    const key = `spec-${newTimeOrderedId()}`;
    await store.increment(key, 60_000, 5, 60_000, 'default');
    sent = [];
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await store.increment(key, 60_000, 5, 60_000, 'default'));
    expect(answers.map((a) => a.totalHits)).toEqual([2, 3, 4]);
    expect(sent.map((s) => s.split(' ')[0])).toEqual(['evalsha', 'evalsha', 'evalsha']);
    for (const s of sent) expect(Number(s.split(' ')[1])).toBeLessThan(200);
  });

  it("keeps the library's keys, so counters carry over from a gateway of an older version", async () => {
    const key = `spec-${newTimeOrderedId()}`;
    await redis.set(`{${key}:send}:hits`, 7, 'PX', 60_000);
    const answer = await new RedisRateLimitStorage(redis).increment(key, 60_000, 10, 60_000, 'send');
    expect(answer).toMatchObject({ totalHits: 8, isBlocked: false });
    expect(answer.timeToExpire).toBeGreaterThan(55);
  });
});
