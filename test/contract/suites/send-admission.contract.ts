import {
  Admission,
  InboxStore,
  newTimeOrderedId,
  SendAdmission,
  SendDedupStore,
  SendToAdmit,
  SeqAllocation,
} from '@app/core';

export interface SendAdmissionHarness {
  /** An admission and the two stores it admits into (the same data: what one writes, the others read). */
  create(): Promise<{ admission: SendAdmission; dedup: SendDedupStore; inbox: InboxStore }>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A claim long enough that a busy machine does not outlive it between the calls that must fall inside it. */
const CLAIM_MS = 1500;
const outlive = (at: number) => sleep(Math.max(0, at + CLAIM_MS - Date.now()) + 100);
const HOUR = 3600_000;

/** Every SendAdmission must pass this suite: what it leaves is what the separate stores would have. */
export function sendAdmissionContract(harness: SendAdmissionHarness): void {
  let admission: SendAdmission;
  let dedup: SendDedupStore;
  let inbox: InboxStore;
  const id = (prefix: string) => `${prefix}-${newTimeOrderedId()}`;
  const sendOf = (senderId: string, recipientIds: string[], over: Partial<SendToAdmit> = {}): SendToAdmit => ({
    senderId,
    clientMsgId: 'c-1',
    claimTtlMs: 60_000,
    recipientIds,
    inflightDeadline: Date.now() + 60_000,
    messageJson: JSON.stringify({ messageId: id('m'), body: 'hello' }),
    noteTtlMs: HOUR,
    ...over,
  });
  const allocationsOf = (admitted: Admission): SeqAllocation[] => {
    if (admitted.status !== 'claimed') throw new Error(`expected a fresh claim, got ${admitted.status}`);
    return admitted.allocations;
  };
  /** The next seq each user would get: a duplicate that allocated would show here as a gap. */
  const nextSeqs = async (users: string[]) => (await inbox.allocate(users, Date.now() + 60_000)).map((a) => a.seq);

  beforeAll(async () => ({ admission, dedup, inbox } = await harness.create()));
  afterAll(() => harness.close());

  it('claims, allocates one pending seq per recipient in order, and notes the attempt for a retry that takes over', async () => {
    const [alice, bob] = [id('alice'), id('bob')];
    const claimedAt = Date.now();
    const send = sendOf(alice, [bob, alice], { claimTtlMs: CLAIM_MS });
    const admitted = await admission.admit(send);
    expect(admitted).toEqual({
      status: 'claimed',
      allocations: [
        { userId: bob, seq: 1 },
        { userId: alice, seq: 1 },
      ],
    });
    expect((await inbox.read(bob, 0, 10)).pending).toEqual([1]);

    expect(await dedup.claim(alice, 'c-1', 10_000)).toEqual({ status: 'in-progress' });
    await outlive(claimedAt);
    const taken = await dedup.claim(alice, 'c-1', 10_000);
    expect(taken.status).toBe('taken-over');
    const note = JSON.parse((taken as { attempt: string }).attempt);
    expect(note).toEqual({ message: JSON.parse(send.messageJson), allocations: allocationsOf(admitted) });
  });

  it('allocates nothing for a duplicate in progress, nor for one already answered', async () => {
    const [alice, bob] = [id('alice'), id('bob')];
    await admission.admit(sendOf(alice, [bob, alice]));
    expect(await admission.admit(sendOf(alice, [bob, alice]))).toEqual({ status: 'in-progress' });
    await dedup.complete(alice, 'c-1', '{"messageId":"m1"}', HOUR);
    expect(await admission.admit(sendOf(alice, [bob, alice]))).toEqual({
      status: 'done',
      result: '{"messageId":"m1"}',
    });
    expect(await nextSeqs([bob, alice])).toEqual([2, 2]);
  });

  it("hands a run-out claim's note to the retry that takes over, allocating nothing", async () => {
    const [alice, bob] = [id('alice'), id('bob')];
    const claimedAt = Date.now();
    const first = sendOf(alice, [bob], { claimTtlMs: CLAIM_MS });
    await admission.admit(first);
    await outlive(claimedAt);
    const retry = await admission.admit(sendOf(alice, [bob]));
    expect(retry.status).toBe('taken-over');
    expect(JSON.parse((retry as { attempt: string }).attempt).message).toEqual(JSON.parse(first.messageJson));
    // the taker holds the key now
    expect(await admission.admit(sendOf(alice, [bob]))).toEqual({ status: 'in-progress' });
    expect(await nextSeqs([bob])).toEqual([2]);
  });

  it('gives a user named twice two seqs, and keeps ids that need escaping intact in the note', async () => {
    const alice = id('alice');
    const odd = `${id('b')}"\\/é\u{1F600}`;
    const claimedAt = Date.now();
    const admitted = await admission.admit(sendOf(alice, [odd, alice, odd], { claimTtlMs: CLAIM_MS }));
    expect(admitted).toEqual({
      status: 'claimed',
      allocations: [
        { userId: odd, seq: 1 },
        { userId: alice, seq: 1 },
        { userId: odd, seq: 2 },
      ],
    });
    await outlive(claimedAt);
    const taken = (await dedup.claim(alice, 'c-1', 10_000)) as { attempt: string };
    const noted = JSON.parse(taken.attempt).allocations as { userId: string; seq: number }[];
    const key = (a: { userId: string; seq: number }) => `${a.userId}#${a.seq}`;
    expect(noted.map(key).sort()).toEqual(allocationsOf(admitted).map(key).sort());
  });

  it('scopes claims by sender and clientMsgId', async () => {
    const [alice, carol, bob] = [id('alice'), id('carol'), id('bob')];
    expect((await admission.admit(sendOf(alice, [bob]))).status).toBe('claimed');
    expect((await admission.admit(sendOf(carol, [bob]))).status).toBe('claimed');
    expect((await admission.admit(sendOf(alice, [bob], { clientMsgId: 'c-2' }))).status).toBe('claimed');
    expect(await nextSeqs([bob])).toEqual([4]);
  });

  it('concludes a published send: confirms its seqs and stores its answer in the same step', async () => {
    const [alice, bob] = [id('alice'), id('bob')];
    const allocations = allocationsOf(await admission.admit(sendOf(alice, [bob, alice])));
    const answer = { senderId: alice, clientMsgId: 'c-1', result: '{"messageId":"m1"}', ttlMs: HOUR };
    expect(await admission.conclude(allocations, answer)).toBe('confirmed');
    expect(await dedup.claim(alice, 'c-1', 10_000)).toEqual({ status: 'done', result: '{"messageId":"m1"}' });
    // confirmed: a retry's settle finds the send published, not void
    expect(await inbox.settle(allocations)).toBe('published');
  });

  it('stores no answer for a try whose seqs were burnt meanwhile (a retry voided it)', async () => {
    const [alice, bob] = [id('alice'), id('bob')];
    const allocations = allocationsOf(await admission.admit(sendOf(alice, [bob, alice])));
    expect(await inbox.settle(allocations)).toBe('void');
    const answer = { senderId: alice, clientMsgId: 'c-1', result: '{"messageId":"m1"}', ttlMs: HOUR };
    expect(await admission.conclude(allocations, answer)).toBe('void');
    expect(await dedup.claim(alice, 'c-1', 10_000)).toEqual({ status: 'in-progress' });
  });
}
