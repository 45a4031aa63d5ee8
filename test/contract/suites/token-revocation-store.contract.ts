import { newTimeOrderedId, TokenRevocationStore } from '@app/core';

export interface TokenRevocationStoreHarness {
  create(): Promise<TokenRevocationStore>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tokenRevocationStoreContract(harness: TokenRevocationStoreHarness): void {
  let store: TokenRevocationStore;

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('reports a revoked token until it would have expired', async () => {
    const [revoked, kept] = [newTimeOrderedId(), newTimeOrderedId()];
    // far enough off that a busy machine does not pass it before the first checks; then wait until it has passed
    const expiry = Date.now() + 1500;
    await store.revoke(revoked, expiry);
    expect(await store.isRevoked(revoked)).toBe(true);
    expect(await store.isRevoked(kept)).toBe(false);
    await sleep(Math.max(0, expiry - Date.now()) + 100);
    expect(await store.isRevoked(revoked)).toBe(false);
  });

  it('accepts revoking an already expired token', async () => {
    const id = newTimeOrderedId();
    await expect(store.revoke(id, Date.now() - 1000)).resolves.toBeUndefined();
  });
}
