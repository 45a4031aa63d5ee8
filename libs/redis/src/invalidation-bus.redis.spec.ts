import { newTimeOrderedId } from '@app/core';
import { killRedisConnection, waitFor } from '@app/testing';
import type Redis from 'ioredis';
import { RedisInvalidationBus } from './invalidation-bus.redis';
import { createRedisClient } from './redis-connection';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What every bus does is the contract suite's (invalidation-bus.*.contract-spec); this is the Redis bus's own. */
describe('RedisInvalidationBus when its subscriber connection drops', () => {
  const clients: Redis[] = [];
  const buses: RedisInvalidationBus[] = [];
  const client = (name: string) => {
    const redis = createRedisClient(REDIS_URL, name);
    clients.push(redis);
    return redis;
  };
  const bus = (name: string) => {
    const created = new RedisInvalidationBus(client(name));
    buses.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('tells its listeners they are out of sync, then in sync once subscribed again, and delivers from then on', async () => {
    const name = `invalidation-spec-${newTimeOrderedId().slice(-8)}`;
    const [listening, publishing] = [bus(name), bus(`${name}-publisher`)];
    const topic = `t-${newTimeOrderedId()}`;
    const keys: string[] = [];
    const syncs: boolean[] = [];
    const otherSyncs: boolean[] = [];
    await listening.subscribe(
      topic,
      (k) => keys.push(k),
      (inSync) => syncs.push(inSync),
    );
    await listening.subscribe(
      `${topic}-other`,
      () => undefined,
      (inSync) => otherSyncs.push(inSync),
    );
    await publishing.publish(topic, 'before');
    await waitFor(() => keys.length === 1, undefined, 'the first notice');
    expect(syncs).toEqual([]);

    await killRedisConnection(client(`${name}-admin`), `${name}-invalidations`);
    await waitFor(() => syncs.length === 2, undefined, 'out of sync, then in sync again');
    expect(syncs).toEqual([false, true]);
    expect(otherSyncs).toEqual([false, true]);
    await publishing.publish(topic, 'after');
    await waitFor(() => keys.length === 2, undefined, 'a notice after the resubscribe');
    expect(keys).toEqual(['before', 'after']);
  });
});
