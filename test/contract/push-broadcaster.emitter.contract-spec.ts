import { newTimeOrderedId } from '@app/core';
import { createEmitterPushBroadcaster, createRedisClient } from '@app/redis';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import { pushBroadcasterContract } from './suites/push-broadcaster.contract';

/** The gateway's broadcaster: @socket.io/redis-emitter into a node's @socket.io/redis-adapter, over real Redis. */
describe('PushBroadcaster — redis-emitter into the redis adapter (cluster)', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // a key of its own, so nothing else on this Redis hears the test's broadcasts
  const key = `switchboard-test-${newTimeOrderedId()}`;
  const clients: Redis[] = [];
  const client = (name: string) => {
    const c = createRedisClient(url, name);
    clients.push(c);
    return c;
  };
  pushBroadcasterContract({
    prepare: async (server) => {
      server.adapter(createAdapter(client('adapter-pub'), client('adapter-sub'), { key }));
    },
    create: async () => createEmitterPushBroadcaster(client('emitter'), { key }),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  });
});
