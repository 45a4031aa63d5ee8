import { newTimeOrderedId, SendDedupStore } from '@app/core';

export interface SendDedupStoreHarness {
  create(): Promise<SendDedupStore>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function sendDedupStoreContract(harness: SendDedupStoreHarness): void {
  let store: SendDedupStore;
  const sender = () => `s-${newTimeOrderedId()}`;

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('claims once, then reports in-progress, then the stored answer', async () => {
    const s = sender();
    expect(await store.claim(s, 'k1', 10_000)).toEqual({ status: 'claimed' });
    expect(await store.claim(s, 'k1', 10_000)).toEqual({ status: 'in-progress' });
    await store.complete(s, 'k1', '{"messageId":"m1"}', 60_000);
    expect(await store.claim(s, 'k1', 10_000)).toEqual({ status: 'done', result: '{"messageId":"m1"}' });
  });

  it('scopes keys by sender', async () => {
    expect(await store.claim(sender(), 'same', 10_000)).toEqual({ status: 'claimed' });
    expect(await store.claim(sender(), 'same', 10_000)).toEqual({ status: 'claimed' });
  });

  it('lets a retry proceed after release', async () => {
    const s = sender();
    await store.claim(s, 'k', 10_000);
    await store.release(s, 'k');
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'claimed' });
  });

  it('frees an abandoned claim after its TTL, and forgets answers after theirs', async () => {
    const s = sender();
    await store.claim(s, 'abandoned', 100);
    await store.claim(s, 'answered', 10_000);
    await store.complete(s, 'answered', 'r', 100);
    await sleep(250);
    expect(await store.claim(s, 'abandoned', 10_000)).toEqual({ status: 'claimed' });
    expect(await store.claim(s, 'answered', 10_000)).toEqual({ status: 'claimed' });
  });
}
