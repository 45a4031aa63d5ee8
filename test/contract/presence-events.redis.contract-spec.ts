import { newTimeOrderedId, PresenceEvents } from '@app/core';
import { createRedisClient, RedisPresenceEvents } from '@app/redis';
import type Redis from 'ioredis';
import { presenceEventsContract } from './suites/presence-events.contract';

/** Redis Streams with a consumer group; each `create()` uses a stream of its own, each `peer()` another client on it. */
describe('PresenceEvents — Redis Streams', () => {
  const clients: Redis[] = [];
  const all: PresenceEvents[] = [];
  const streams: string[] = [];
  const open = (stream: string) => {
    const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'contract');
    clients.push(redis);
    const events = new RedisPresenceEvents(redis, { stream, group: 'contract', claimIdleMs: 500, blockMs: 200 });
    all.push(events);
    return events;
  };
  presenceEventsContract(
    {
      create: async () => {
        streams.push(`switchboard-test:presence:${newTimeOrderedId()}`);
        return open(streams.at(-1)!);
      },
      peer: async () => open(streams.at(-1)!),
      close: async () => {
        await Promise.all(all.map((e) => e.close()));
        if (streams.length) await clients[0].del(...streams);
        await Promise.all(clients.map((c) => c.quit()));
      },
    },
    { retryWithinMs: 8000 },
  );
});
