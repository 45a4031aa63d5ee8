import { newTimeOrderedId } from '@app/core';
import { killRedisConnection, waitFor } from '@app/testing';
import type Redis from 'ioredis';
import { createRedisClient } from './redis-connection';
import { redisKeys } from './redis-keys';
import { RedisTokenRevocationStore } from './token-revocation.redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;

/**
 * The in-memory mirror against the real Redis, with two stores on their own connections standing for two processes.
 * A mirror's answer is told from Redis' by deleting a revocation's key afterwards: EXISTS then says "not revoked".
 */
describe('RedisTokenRevocationStore mirror', () => {
  const clients: Redis[] = [];
  const stores: RedisTokenRevocationStore[] = [];
  let admin: Redis;

  const client = (name: string) => {
    const redis = createRedisClient(REDIS_URL, name);
    clients.push(redis);
    return redis;
  };
  const store = (name: string, mirror = true) => {
    const created = new RedisTokenRevocationStore(client(name), undefined, { mirror });
    stores.push(created);
    return created;
  };
  const synced = async (name: string) => {
    const created = store(name);
    await created.isRevoked('none');
    await waitFor(() => created.mirrorInSync, undefined, `${name}'s mirror to sync`);
    return created;
  };

  beforeAll(() => {
    admin = client('revocation-spec-admin');
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('answers the first check from Redis, before the mirror has synced', async () => {
    const id = newTimeOrderedId();
    await admin.set(redisKeys.revokedToken(id), '1', 'PX', HOUR);
    const fresh = store('revocation-spec-fresh');
    expect(await fresh.isRevoked(id)).toBe(true);
    expect(fresh.mirrorInSync).toBe(false);
  });

  it("learns another process's revocation from its notice, and answers from memory", async () => {
    const [revoking, other] = [store('revocation-spec-a'), await synced('revocation-spec-b')];
    const id = newTimeOrderedId();
    await revoking.revoke(id, Date.now() + HOUR);
    await admin.del(redisKeys.revokedToken(id));
    // only the notice can tell `other` now; a store that asks Redis no longer finds the key
    await waitFor(() => other.isRevoked(id), undefined, 'the revocation notice');
    expect(await store('revocation-spec-plain', false).isRevoked(id)).toBe(false);
    expect(await other.isRevoked(newTimeOrderedId())).toBe(false);
  });

  it('reads the revocations it missed while its subscriber was away when it resyncs', async () => {
    const other = await synced('revocation-spec-c');
    // a revocation whose notice never reached it: only in the index (its key gone, so Redis alone would not tell)
    const id = newTimeOrderedId();
    await admin.zadd(redisKeys.revokedTokens(), Date.now() + HOUR, id);
    expect(await other.isRevoked(id)).toBe(false);
    await killRedisConnection(admin, 'revocation-spec-c-revocations');
    await waitFor(() => other.isRevoked(id), undefined, 'the resync after the subscriber was dropped');
    expect(other.mirrorInSync).toBe(true);
  });

  it('keeps the index to live revocations', async () => {
    const revoking = store('revocation-spec-d');
    const [gone, live] = [newTimeOrderedId(), newTimeOrderedId()];
    await admin.zadd(redisKeys.revokedTokens(), Date.now() - 1, gone);
    await revoking.revoke(live, Date.now() + HOUR);
    expect(await admin.zscore(redisKeys.revokedTokens(), gone)).toBeNull();
    expect(Number(await admin.zscore(redisKeys.revokedTokens(), live))).toBeGreaterThan(Date.now());
  });
});
