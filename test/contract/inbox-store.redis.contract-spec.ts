import { newTimeOrderedId } from '@app/core';
import { createRedisClient, RedisInboxStore } from '@app/redis';
import { ManualTimeline } from '@app/testing';
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

  it('keeps an inbox that is written to but never read within its retention, give or take a few stale entries', async () => {
    const timeline = new ManualTimeline();
    const short = new RedisInboxStore(redis, { retentionMs: 3000, clock: timeline });
    const [u] = users(1);
    for (let i = 0; i < 40; i++) {
      const [allocation] = await short.allocate([u], timeline.now() + 60_000);
      expect(await short.append([{ ...allocation, payload: `{"n":${i}}`, createdAt: timeline.now() }])).toBe(1);
      await timeline.passTo(timeline.now() + 999); // a second per message (passTo goes 1 ms beyond)
    }
    // 3 entries within the retention; stale ones are trimmed every 8th seq, so at most 8 more wait for it
    const stored = await entriesOf(u);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored.length).toBeLessThanOrEqual(3 + 8);
    expect((await short.read(u, 0, 100)).entries.map((e) => e.seq)).toEqual([38, 39, 40]);
  });

  it('stores a shared payload again only when a redelivery writes an entry that points at it', async () => {
    const members = users(3);
    const createdAt = Date.now();
    const writes = (await store.allocate(members, Date.now() + 60_000)).map((a) => ({
      ...a,
      payload: `{"body":"${newTimeOrderedId()}"}`,
      createdAt,
    }));
    await store.append(writes);
    const [key] = payloadKeysIn(await entriesOf(members[0]));
    await Promise.all(members.map((m) => store.ack(m, 1)));
    await redis.del(key);
    // every entry was acked: the redelivery writes none, so nothing would point at a payload stored again
    expect(await store.append(writes)).toBe(0);
    expect(await redis.exists(key)).toBe(0);
  });

  it('leaves a confirmed seq its proof for at least the retention, though a confirm sets no TTL', async () => {
    const [u] = users(1);
    const allocations = await store.allocate([u], Date.now() + 60_000);
    expect(await store.confirm(allocations)).toBe('confirmed');
    expect(await redis.zscore(`im:pending:${u}`, '1')).toMatch(/^-\d+$/);
    expect(await redis.pttl(`im:pending:${u}`)).toBeGreaterThan(3 * DAY);
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
