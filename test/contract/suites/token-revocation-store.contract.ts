import { newTimeOrderedId, TokenRevocationStore } from '@app/core';
import { realTimeline, Timeline } from '@app/testing';

export interface TokenRevocationStoreHarness {
  /** The time the adapter runs on (default: the real clock). */
  timeline?: Timeline;
  create(): Promise<TokenRevocationStore>;
  close(): Promise<void>;
}

export function tokenRevocationStoreContract(harness: TokenRevocationStoreHarness): void {
  const time = harness.timeline ?? realTimeline;
  let store: TokenRevocationStore;

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('reports a revoked token until it would have expired', async () => {
    const [revoked, kept] = [newTimeOrderedId(), newTimeOrderedId()];
    // far enough off that a busy machine does not pass it before the first checks; then wait until it has passed
    const expiry = time.now() + 1500;
    await store.revoke(revoked, expiry);
    expect(await store.isRevoked(revoked)).toBe(true);
    expect(await store.isRevoked(kept)).toBe(false);
    await time.passTo(expiry);
    expect(await store.isRevoked(revoked)).toBe(false);
  });

  it('accepts revoking an already expired token', async () => {
    const id = newTimeOrderedId();
    await expect(store.revoke(id, time.now() - 1000)).resolves.toBeUndefined();
  });
}
