import { LastSeenStore, newTimeOrderedId } from '@app/core';

export interface LastSeenStoreHarness {
  create(): Promise<LastSeenStore>;
  close(): Promise<void>;
}

/** Every LastSeenStore: the newest time per user wins; unknown users are absent. */
export function lastSeenStoreContract(harness: LastSeenStoreHarness): void {
  let store: LastSeenStore;

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('keeps the newest time per user and leaves out users never seen', async () => {
    const [alice, bob, never] = [newTimeOrderedId(), newTimeOrderedId(), newTimeOrderedId()];
    const now = Date.now();
    await store.record(alice, now - 5000);
    await store.record(alice, now);
    await store.record(alice, now - 1000); // late and older: ignored
    await store.record(bob, now - 60_000);
    const seen = await store.lastSeenOf([alice, bob, never]);
    expect([...seen.entries()].sort()).toEqual(
      [
        [alice, now],
        [bob, now - 60_000],
      ].sort(),
    );
    expect((await store.lastSeenOf([])).size).toBe(0);
  });
}
