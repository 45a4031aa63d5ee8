import { newTimeOrderedId } from '@app/core';
import { killRedisConnection, waitFor } from '@app/testing';
import type Redis from 'ioredis';
import { createRedisClient } from './redis-connection';
import { SyncedSubscriber, SyncedSubscriberHandlers } from './synced-subscriber.redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Against the real Redis; the revocation mirror's and the invalidation bus's own specs cover their use of it. */
describe('SyncedSubscriber', () => {
  const clients: Redis[] = [];
  const subscribers: SyncedSubscriber[] = [];
  const client = (name: string) => {
    const redis = createRedisClient(REDIS_URL, name);
    clients.push(redis);
    return redis;
  };
  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  /** A subscriber on one channel recording what it is told; `failCatchUps` catch-ups throw before any succeeds. */
  const start = (startsInSync: boolean, failCatchUps = 0) => {
    const name = `synced-spec-${newTimeOrderedId().slice(-8)}`;
    const channel = `synced-spec:${newTimeOrderedId()}`;
    const seen = { messages: [] as string[], syncs: [] as boolean[], catchUps: 0 };
    const handlers: SyncedSubscriberHandlers = {
      channels: () => [channel],
      onMessage: (from, text) => seen.messages.push(`${from === channel ? '' : from}${text}`),
      catchUp: async () => {
        seen.catchUps++;
        if (seen.catchUps <= failCatchUps) throw new Error('catch-up refused');
      },
      onSync: (inSync) => seen.syncs.push(inSync),
    };
    const subscriber = new SyncedSubscriber(client(name), 'spec', handlers, startsInSync);
    subscribers.push(subscriber);
    subscriber.open();
    return { name, channel, seen, subscriber, publish: (text: string) => client(`${name}-pub`).publish(channel, text) };
  };

  it('is in sync only once subscribed and caught up, then hears what is published', async () => {
    const { subscriber, seen, publish } = start(false);
    expect(subscriber.inSync).toBe(false);
    await waitFor(() => subscriber.inSync, undefined, 'the first sync');
    expect(seen.catchUps).toBe(1);
    expect(seen.syncs).toEqual([true]);
    await publish('hello');
    await waitFor(() => seen.messages.length === 1, undefined, 'the message');
    expect(seen.messages).toEqual(['hello']);
  });

  it('retries a failed catch-up and stays out of sync until one succeeds', async () => {
    const { subscriber, seen } = start(false, 1);
    await waitFor(() => seen.catchUps >= 1, undefined, 'the first catch-up');
    expect(subscriber.inSync).toBe(false);
    await waitFor(() => subscriber.inSync, undefined, 'the retried catch-up');
    expect(seen.catchUps).toBe(2);
    expect(seen.syncs).toEqual([true]);
  });

  it('goes out of sync when its connection drops, and back after resubscribing and catching up again', async () => {
    const { name, subscriber, seen, publish } = start(true);
    expect(subscriber.inSync).toBe(true);
    await waitFor(() => seen.catchUps === 1, undefined, 'the first catch-up');
    expect(seen.syncs).toEqual([]);

    await killRedisConnection(client(`${name}-admin`), `${name}-spec`);
    await waitFor(() => seen.syncs.length === 2, undefined, 'out of sync, then in sync again');
    expect(seen.syncs).toEqual([false, true]);
    expect(seen.catchUps).toBe(2);
    await publish('after');
    await waitFor(() => seen.messages.length === 1, undefined, 'a message after the resubscribe');
    expect(seen.messages).toEqual(['after']);
  });

  it('closes its connection and is out of sync', async () => {
    const { name, subscriber } = start(false);
    await waitFor(() => subscriber.inSync, undefined, 'the first sync');
    const admin = client(`${name}-admin`);
    const connected = async () => ((await admin.client('LIST')) as string).includes(` name=${name}-spec `);
    expect(await connected()).toBe(true);
    await subscriber.close();
    expect(subscriber.inSync).toBe(false);
    await waitFor(async () => !(await connected()), undefined, 'the connection to go');
  });
});
