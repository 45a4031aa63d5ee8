import { LossyInvalidationBus, waitFor } from '@app/testing';
import { InvalidatedCache } from './invalidated-cache';

/**
 * What the social-graph and group-membership caches share is in their own specs (single flight, invalidation during a
 * load, the bus's sync); this one is a notice whose publish failed. Two caches on one bus stand for two processes.
 */
describe('InvalidatedCache, a notice whose publish failed', () => {
  const fast = { initialDelayMs: 5, maxDelayMs: 20 };
  const caches: InvalidatedCache<{ version: number }>[] = [];
  afterEach(async () => {
    await Promise.all(caches.map((c) => c.stop()));
    caches.length = 0;
  });

  /** Two processes' caches over one source whose value the test bumps. */
  async function twoProcesses(ttlMs = 60_000) {
    const bus = new LossyInvalidationBus();
    const source = { version: 1 };
    const make = async () => {
      const cache = new InvalidatedCache({
        topic: 'spec',
        load: async () => ({ version: source.version }),
        ttlMs,
        max: 100,
        bus,
        republish: fast,
      });
      await cache.start();
      caches.push(cache);
      return cache;
    };
    return { bus, source, here: await make(), there: await make() };
  }

  it('is published again in the background, so the other process drops its entry', async () => {
    const { bus, source, here, there } = await twoProcesses();
    expect((await there.get('k')).version).toBe(1);
    source.version = 2;
    bus.refusePublishes(2);
    // the caller is answered at once; the notice goes later
    await here.invalidate('k');
    expect(here.pendingRepublishes).toBe(1);
    expect((await here.get('k')).version).toBe(2);
    await waitFor(async () => (await there.get('k')).version === 2, undefined, 'the other process to drop its entry');
    await waitFor(() => here.pendingRepublishes === 0, undefined, 'the retry to end');
    expect(bus.tries).toBe(3);
  });

  it('stops trying once the TTL has expired what the notice was meant to drop', async () => {
    const { bus, here } = await twoProcesses(200);
    bus.refusePublishes(Number.MAX_SAFE_INTEGER);
    await here.invalidate('k');
    await waitFor(() => here.pendingRepublishes === 0, undefined, 'the tries to stop at the TTL');
    expect(bus.tries).toBeGreaterThan(1);
    bus.refusePublishes(0);
    const tries = bus.tries;
    // at most the try that was under way when the TTL ran out, never another after it
    await new Promise((r) => setTimeout(r, 10 * fast.maxDelayMs));
    expect(bus.tries - tries).toBeLessThanOrEqual(1);
  });

  it('stops trying when a later notice for the same key is published', async () => {
    const { bus, here } = await twoProcesses();
    bus.refusePublishes(1);
    await here.invalidate('k');
    expect(here.pendingRepublishes).toBe(1);
    bus.refusePublishes(Number.MAX_SAFE_INTEGER);
    await waitFor(() => bus.tries >= 3, undefined, 'a few refused tries');
    bus.refusePublishes(0);
    await here.invalidate('k');
    expect(here.pendingRepublishes).toBe(0);
  });

  it('stops trying when the cache stops', async () => {
    const { bus, here } = await twoProcesses();
    bus.refusePublishes(Number.MAX_SAFE_INTEGER);
    await here.invalidate('a', 'b');
    expect(here.pendingRepublishes).toBe(2);
    await here.stop();
    expect(here.pendingRepublishes).toBe(0);
    bus.refusePublishes(0);
    const tries = bus.tries;
    await new Promise((r) => setTimeout(r, 10 * fast.maxDelayMs));
    // each key's try under way at the stop may still run once; no further tries
    expect(bus.tries - tries).toBeLessThanOrEqual(2);
  });
});
