import { newTimeOrderedId, SendDedupStore } from '@app/core';

export interface SendDedupStoreHarness {
  create(): Promise<SendDedupStore>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A claim long enough that a busy machine does not outlive it between the calls that must fall inside it. */
const CLAIM_MS = 1500;
/** Waits until a claim made at `at` has surely run out. */
const outlive = (at: number) => sleep(Math.max(0, at + CLAIM_MS - Date.now()) + 100);

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

  it('hands a noted attempt to the retry that takes over once the claim runs out, and to that retry only', async () => {
    const s = sender();
    const claimedAt = Date.now();
    expect(await store.claim(s, 'k', CLAIM_MS)).toEqual({ status: 'claimed' });
    await store.recordAttempt(s, 'k', '{"messageId":"m1"}', 60_000);
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'in-progress' });
    await outlive(claimedAt);
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'taken-over', attempt: '{"messageId":"m1"}' });
    // the taker holds a fresh claim: others wait, and its answer is what every later retry gets
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'in-progress' });
    await store.complete(s, 'k', '{"messageId":"m1","seq":1}', 60_000);
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'done', result: '{"messageId":"m1","seq":1}' });
  });

  it('lets the taker note a new attempt, and a release drops claim and note alike', async () => {
    const s = sender();
    const claimedAt = Date.now();
    await store.claim(s, 'k', CLAIM_MS);
    await store.recordAttempt(s, 'k', 'first', 60_000);
    await outlive(claimedAt);
    const takenAt = Date.now();
    expect(await store.claim(s, 'k', CLAIM_MS)).toEqual({ status: 'taken-over', attempt: 'first' });
    await store.recordAttempt(s, 'k', 'second', 60_000);
    await outlive(takenAt);
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'taken-over', attempt: 'second' });
    await store.release(s, 'k');
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'claimed' });
  });

  it('never notes an attempt over an answer', async () => {
    const s = sender();
    await store.claim(s, 'k', 10_000);
    await store.complete(s, 'k', 'answer', 60_000);
    await store.recordAttempt(s, 'k', 'late', 60_000);
    await store.release(s, 'k');
    expect(await store.claim(s, 'k', 10_000)).toEqual({ status: 'done', result: 'answer' });
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
