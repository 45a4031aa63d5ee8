import { newTimeOrderedId } from '@app/core';
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

/** How the Redis adapter stores a fan-out: what the contract cannot see (memory), and an evicted shared payload. */
describe('InboxStore — Redis, shared payloads', () => {
  const DAY = 24 * 3600 * 1000;
  let redis: Redis;
  let store: RedisInboxStore;
  const users = (n: number) => Array.from({ length: n }, () => `u-${newTimeOrderedId()}`);
  const entriesOf = (userId: string) => redis.zrange(`im:inbox:${userId}`, 0, -1);
  const payloadKeysIn = (members: string[]) => members.map((m) => m.slice(m.lastIndexOf('|*') + 2));

  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    store = new RedisInboxStore(redis, { retentionMs: 3 * DAY });
  });
  afterAll(() => redis.quit());

  it('stores a payload of three or more entries once, for the retention, and a 1:1 payload inline', async () => {
    const members = users(50);
    const payload = JSON.stringify({ body: 'x'.repeat(1000) });
    const createdAt = Date.now();
    const writes = (await store.allocate(members, Date.now() + 60_000)).map((a) => ({ ...a, payload, createdAt }));
    expect(await store.append(writes)).toBe(50);

    const stored = (await Promise.all(members.map(entriesOf))).flat();
    expect(stored).toHaveLength(50);
    for (const member of stored) expect(member).not.toContain('xxxx');
    const [key] = new Set(payloadKeysIn(stored));
    expect(new Set(payloadKeysIn(stored)).size).toBe(1);
    expect(await redis.get(key)).toBe(payload);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(3 * DAY - 60_000);
    expect(ttl).toBeLessThanOrEqual(3 * DAY);

    const [a, b] = users(2);
    await store.allocate([a, b], Date.now() + 60_000);
    await store.append([a, b].map((userId) => ({ userId, seq: 1, payload, createdAt })));
    expect(await entriesOf(a)).toEqual([`1|${createdAt}|+${payload}`]);
  });

  it('reads an entry whose shared payload is gone (evicted) as a skipped seq, never as an empty message', async () => {
    const members = users(3);
    const createdAt = Date.now();
    const writes = (await store.allocate(members, Date.now() + 60_000)).map((a) => ({
      ...a,
      payload: '{"body":"gone"}',
      createdAt,
    }));
    await store.append(writes);
    const [key] = payloadKeysIn(await entriesOf(members[0]));
    await redis.del(key);
    expect((await store.read(members[0], 0, 10)).entries).toEqual([{ seq: 1, payload: null, createdAt }]);
  });
});
