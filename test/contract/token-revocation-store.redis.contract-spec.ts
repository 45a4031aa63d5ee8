import { createRedisClient, RedisTokenRevocationStore } from '@app/redis';
import { waitFor } from '@app/testing';
import type Redis from 'ioredis';
import { tokenRevocationStoreContract } from './suites/token-revocation-store.contract';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

for (const mirror of [true, false]) {
  describe(`TokenRevocationStore — Redis (${mirror ? 'mirrored in memory' : 'every check in Redis'})`, () => {
    const clients: Redis[] = [];
    const stores: RedisTokenRevocationStore[] = [];
    tokenRevocationStoreContract({
      create: async () => {
        const redis = createRedisClient(REDIS_URL, 'contract');
        clients.push(redis);
        const store = new RedisTokenRevocationStore(redis, undefined, { mirror });
        stores.push(store);
        if (mirror) {
          // the first check starts the mirror; the suite then runs on answers from memory
          await store.isRevoked('none');
          await waitFor(() => store.mirrorInSync, undefined, 'the revocation mirror to sync');
        }
        return store;
      },
      close: async () => {
        await Promise.all(stores.map((s) => s.close()));
        await Promise.all(clients.map((c) => c.quit()));
      },
    });
  });
}
