import { MemoryRateLimitStorage } from '@app/platform';
import { ManualTimeline } from '@app/testing';
import { rateLimitStorageContract } from './suites/rate-limit-storage.contract';

describe('RateLimitStorage — in memory (one-process server)', () => {
  // the adapter takes the injected clock: windows are passed at once, not waited for
  const timeline = new ManualTimeline();
  const stores: MemoryRateLimitStorage[] = [];
  rateLimitStorageContract({
    timeline,
    create: async () => {
      const store = new MemoryRateLimitStorage(timeline);
      stores.push(store);
      return store;
    },
    close: async () => stores.forEach((s) => s.onModuleDestroy()),
  });

  it('sweeps counters whose window and block have both run out, and keeps the others', async () => {
    const store = new MemoryRateLimitStorage(timeline);
    try {
      await store.increment('short', 1000, 5, 1000, 'default');
      await store.increment('blocked', 1000, 0, 120_000, 'default');
      await store.increment('long', 60_000, 5, 60_000, 'default');
      expect(store.size).toBe(3);
      await timeline.passTo(timeline.now() + 1000);
      store.sweep();
      expect(store.size).toBe(2);
      expect(await store.increment('blocked', 1000, 0, 120_000, 'default')).toMatchObject({ isBlocked: true });
      expect(await store.increment('long', 60_000, 5, 60_000, 'default')).toMatchObject({ totalHits: 2 });
    } finally {
      store.onModuleDestroy();
    }
  });
});
