import { newTimeOrderedId } from '@app/core';
import { realTimeline, Timeline } from '@app/testing';
import type { ThrottlerStorage } from '@nestjs/throttler';

export interface RateLimitStorageHarness {
  /** The time the adapter runs on (default: the real clock). */
  timeline?: Timeline;
  create(): Promise<ThrottlerStorage>;
  close(): Promise<void>;
}

/**
 * The rate-limit counters (a @nestjs/throttler ThrottlerStorage): fixed windows of `ttl` ms per key and bucket name,
 * refused past `limit` for `blockDuration` ms. Both deployments must count alike, so that a client refused by one is
 * refused by the other. Windows here are long enough that a busy machine does not pass one by accident; the waits for
 * one to run out poll until it has.
 */
export function rateLimitStorageContract(harness: RateLimitStorageHarness): void {
  const time = harness.timeline ?? realTimeline;
  let storage: ThrottlerStorage;

  beforeAll(async () => {
    storage = await harness.create();
  });
  afterAll(() => harness.close());

  const key = () => `contract-${newTimeOrderedId()}`;

  it('counts hits in a window and refuses past the limit, with the seconds until each runs out', async () => {
    const k = key();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await storage.increment(k, 60_000, 3, 30_000, 'default'));
    expect(answers.map((a) => a.totalHits)).toEqual([1, 2, 3, 4]);
    expect(answers.map((a) => a.isBlocked)).toEqual([false, false, false, true]);
    expect(answers[0]).toMatchObject({ timeToBlockExpire: 0 });
    for (const answer of answers) expect(answer.timeToExpire).toBeGreaterThanOrEqual(59);
    expect(answers[0].timeToExpire).toBeLessThanOrEqual(60);
    expect(answers[3].timeToBlockExpire).toBeGreaterThanOrEqual(29);
    expect(answers[3].timeToBlockExpire).toBeLessThanOrEqual(30);
    // still refused while the block lasts
    expect(await storage.increment(k, 60_000, 3, 30_000, 'default')).toMatchObject({ isBlocked: true });
  });

  it('counts each key and each bucket name apart', async () => {
    const [a, b] = [key(), key()];
    await storage.increment(a, 60_000, 1, 60_000, 'default');
    expect(await storage.increment(a, 60_000, 1, 60_000, 'default')).toMatchObject({ isBlocked: true });
    expect(await storage.increment(b, 60_000, 1, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment(a, 60_000, 1, 60_000, 'send')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window once the last one has run out', async () => {
    const k = key();
    const ttl = 1500;
    const start = time.now();
    await storage.increment(k, ttl, 5, ttl, 'default');
    expect(await storage.increment(k, ttl, 5, ttl, 'default')).toMatchObject({ totalHits: 2 });
    await time.passTo(start + ttl + 50);
    expect(await storage.increment(k, ttl, 5, ttl, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('with a short block, refuses until the window runs out (a fixed window: the typing bucket)', async () => {
    const k = key();
    const ttl = 3000;
    const start = time.now();
    expect(await storage.increment(k, ttl, 1, 1, 'typing')).toMatchObject({ isBlocked: false });
    expect(await storage.increment(k, ttl, 1, 1, 'typing')).toMatchObject({ isBlocked: true });
    // the 1 ms block has run out, but the window's count has not
    await time.passTo(time.now() + 20);
    if (time.now() < start + ttl) {
      expect(await storage.increment(k, ttl, 1, 1, 'typing')).toMatchObject({ isBlocked: true });
    }
    await time.passTo(start + ttl + 50);
    expect(await storage.increment(k, ttl, 1, 1, 'typing')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps refusing for the whole block, even past the window', async () => {
    const k = key();
    const ttl = 1000;
    const start = time.now();
    await storage.increment(k, ttl, 1, 60_000, 'login');
    expect(await storage.increment(k, ttl, 1, 60_000, 'login')).toMatchObject({ isBlocked: true });
    await time.passTo(start + ttl + 50);
    const after = await storage.increment(k, ttl, 1, 60_000, 'login');
    expect(after).toMatchObject({ totalHits: 1, isBlocked: true });
    expect(after.timeToBlockExpire).toBeGreaterThan(50);
  });
}
