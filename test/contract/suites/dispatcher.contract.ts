import {
  DependencyUnavailableError,
  DispatchCommand,
  Dispatcher,
  DispatchResult,
  DomainError,
  ErrorCode,
  InboxRead,
  InboxStore,
  StoredInboxEntry,
  newTimeOrderedId,
} from '@app/core';
import { WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';

export interface DispatcherHarness {
  /** The dispatcher under test, and the inbox its sends end up in (read through the InboxStore port). */
  create(): Promise<{ dispatcher: Dispatcher; inbox: InboxStore }>;
  /** Takes away what the dispatcher needs to accept a send (its store, or the dispatch process); run last. */
  outage(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every Dispatcher (see docs/architecture.md, 'The delivery contract'): a send is answered with its message id, its
 * time and the sender's own seq (when the sender has an entry), and stored in each recipient's inbox at a seq of that
 * inbox's own; each recipient's seqs follow one
 * another; a retry with the same (senderId, clientMsgId) is answered the first answer and stores nothing more; and a
 * send that cannot be stored is refused as a DependencyUnavailableError (503), never answered.
 *
 * The inbox may be written after the answer (the split's storage-worker consumes the broker), so inbox checks wait.
 */
export function dispatcherContract(harness: DispatcherHarness): void {
  let dispatcher: Dispatcher;
  let inbox: InboxStore;
  const user = (name: string) => `${name}-${newTimeOrderedId()}`;
  const chat = (senderId: string, receiverId: string, extra: Partial<DispatchCommand> = {}): DispatchCommand => ({
    type: WireType.FriendMessage,
    senderId,
    recipientIds: [receiverId, senderId],
    conversationId: `d:${[senderId, receiverId].sort().join(':')}`,
    receiverId,
    body: 'hello',
    storeInHistory: true,
    ...extra,
  });
  /** The inbox of `userId` once it holds `count` written entries (and nothing pending). */
  const inboxOf = async (userId: string, count: number) => {
    let last: InboxRead | undefined;
    await waitFor(
      async () => {
        last = await inbox.read(userId, 0, 1000);
        return last.entries.length >= count && last.pending.length === 0;
      },
      EVENTUALLY_MS,
      `${count} inbox entries of ${userId} (last read: ${JSON.stringify(last)})`,
    );
    return last!;
  };
  const messageIdsBySeq = (entries: StoredInboxEntry[]) =>
    Object.fromEntries(entries.map((e) => [e.seq, (JSON.parse(e.payload!) as { messageId: string }).messageId]));

  beforeAll(async () => {
    ({ dispatcher, inbox } = await harness.create());
  });
  afterAll(() => harness.close());

  it('answers a message id, its time and the sender’s seq, and stores the message at each recipient’s seq', async () => {
    const [alice, bob] = [user('alice'), user('bob')];
    const command = chat(alice, bob, { clientMsgId: 'c1', body: 'héllo 👋' });
    const before = Date.now();
    const result = await dispatcher.dispatch(command);
    const after = Date.now();

    expect(result).toEqual({
      messageId: expect.any(String),
      createdAt: expect.any(String),
      senderSeq: 1,
    });
    expect(result.messageId).not.toBe('');
    expect(new Date(result.createdAt).toISOString()).toBe(result.createdAt);
    expect(Date.parse(result.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(result.createdAt)).toBeLessThanOrEqual(after + 1000);

    for (const recipient of [bob, alice]) {
      const read = await inboxOf(recipient, 1);
      expect(read.headSeq).toBe(1);
      expect(read.entries).toEqual([{ seq: 1, payload: expect.any(String), createdAt: Date.parse(result.createdAt) }]);
      expect(JSON.parse(read.entries[0].payload!)).toEqual({
        type: WireType.FriendMessage,
        messageId: result.messageId,
        senderId: alice,
        createdAt: result.createdAt,
        conversationId: command.conversationId,
        receiverId: bob,
        body: 'héllo 👋',
      });
    }
  });

  it('gives the sends to one recipient consecutive seqs, one after another and many at once', async () => {
    const [alice, bob] = [user('alice'), user('bob')];
    const results: DispatchResult[] = [];
    for (let i = 0; i < 5; i++) results.push(await dispatcher.dispatch(chat(alice, bob, { body: `one ${i}` })));
    expect(results.map((r) => r.senderSeq)).toEqual([1, 2, 3, 4, 5]);

    // one turn's burst (a gateway answering many sends at once): every seq handed out once, none skipped
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => dispatcher.dispatch(chat(alice, bob, { body: `burst ${i}` }))),
    );
    expect(burst.map((r) => r.senderSeq!).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    results.push(...burst);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(25);

    // the receiver's inbox: the five in the order they were sent, then the burst's twenty, each once
    const read = await inboxOf(bob, 25);
    expect(read.headSeq).toBe(25);
    expect(read.entries.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const received = messageIdsBySeq(read.entries);
    expect([1, 2, 3, 4, 5].map((seq) => received[seq])).toEqual(results.slice(0, 5).map((r) => r.messageId));
    expect(Object.values(received).sort()).toEqual(results.map((r) => r.messageId).sort());
  });

  it('answers a retry with the same clientMsgId with the first answer, and stores the message once', async () => {
    const [alice, bob, carol] = [user('alice'), user('bob'), user('carol')];
    const first = await dispatcher.dispatch(chat(alice, bob, { clientMsgId: 'retry-me', body: 'first' }));
    // a retry is answered by its key, whatever it carries
    const retry = await dispatcher.dispatch(chat(alice, bob, { clientMsgId: 'retry-me', body: 'second' }));
    expect(retry).toEqual(first);
    expect(await dispatcher.dispatch(chat(alice, bob, { clientMsgId: 'retry-me' }))).toEqual(first);

    // the retries took no seq: the next send gets the one after the first
    const next = await dispatcher.dispatch(chat(alice, bob, { clientMsgId: 'next' }));
    expect(next.messageId).not.toBe(first.messageId);
    expect(next.senderSeq).toBe(2);

    // the key is (senderId, clientMsgId): another sender's send with the same clientMsgId is its own message
    const other = await dispatcher.dispatch(chat(carol, bob, { clientMsgId: 'retry-me' }));
    expect(other.messageId).not.toBe(first.messageId);
    expect(other.senderSeq).toBe(1);

    const read = await inboxOf(bob, 3);
    expect(read.headSeq).toBe(3);
    expect(messageIdsBySeq(read.entries)).toEqual({ 1: first.messageId, 2: next.messageId, 3: other.messageId });
    expect(JSON.parse(read.entries[0].payload!)).toMatchObject({ body: 'first' });
  });

  it('never makes two messages of retries sent at once: each gets the answer, or SEND_IN_PROGRESS', async () => {
    const [alice, bob] = [user('alice'), user('bob')];
    const command = chat(alice, bob, { clientMsgId: 'double-click' });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => dispatcher.dispatch(command)));
    const answers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).not.toBeInstanceOf(DependencyUnavailableError);
      expect((refusal as DomainError).code).toBe(ErrorCode.SendInProgress);
    }
    // once settled, a retry gets the same answer
    expect(await dispatcher.dispatch(command)).toEqual(answers[0]);
    expect(answers[0].senderSeq).toBe(1);
    const read = await inboxOf(bob, 1);
    expect(read.headSeq).toBe(1);
    expect(messageIdsBySeq(read.entries)).toEqual({ 1: answers[0].messageId });
  });

  it('gives each recipient of a group send their own seq, and each inbox the same message at it', async () => {
    const sender = user('owner');
    const members = [user('m1'), user('m2'), user('m3'), user('m4')];
    // members with inboxes of different lengths already
    await dispatcher.dispatch(chat(sender, members[1]));
    await dispatcher.dispatch(chat(sender, members[1]));
    await dispatcher.dispatch(chat(sender, members[2]));
    const groupId = `grp-${newTimeOrderedId()}`;
    const result = await dispatcher.dispatch({
      type: WireType.GroupMessage,
      senderId: sender,
      recipientIds: [...members, sender],
      conversationId: `g:${groupId}`,
      groupId,
      body: 'to the group',
      clientMsgId: 'g1',
      storeInHistory: true,
    });
    expect(result.senderSeq).toBe(4);

    const seqs = { [members[0]]: 1, [members[1]]: 3, [members[2]]: 2, [members[3]]: 1, [sender]: 4 };
    for (const [recipient, seq] of Object.entries(seqs)) {
      const read = await inboxOf(recipient, seq);
      expect(read.headSeq).toBe(seq);
      const entry = read.entries.find((e) => e.seq === seq)!;
      expect(JSON.parse(entry.payload!)).toEqual({
        type: WireType.GroupMessage,
        messageId: result.messageId,
        senderId: sender,
        createdAt: result.createdAt,
        conversationId: `g:${groupId}`,
        groupId,
        body: 'to the group',
      });
    }
  });

  it('stores a notification (no history, data, no body) with exactly the fields it was given', async () => {
    const [bob] = [user('bob')];
    const data = { noticeId: 'n-1', level: 'info', nested: { list: [1, 'two', null] } };
    const result = await dispatcher.dispatch({
      type: WireType.SystemNotice,
      senderId: 'system',
      recipientIds: [bob],
      data,
      storeInHistory: false,
    });
    // the sender has no inbox entry: the answer names no seq
    expect(result).toEqual({ messageId: expect.any(String), createdAt: expect.any(String) });
    const read = await inboxOf(bob, 1);
    expect(JSON.parse(read.entries[0].payload!)).toEqual({
      type: WireType.SystemNotice,
      messageId: result.messageId,
      senderId: 'system',
      createdAt: result.createdAt,
      data,
    });
  });

  // last: it takes the dispatcher's engine away
  it('refuses a send it cannot store with DependencyUnavailableError (503), never an answer', async () => {
    await harness.outage();
    const [alice, bob] = [user('alice'), user('bob')];
    await expect(dispatcher.dispatch(chat(alice, bob, { clientMsgId: 'down' }))).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    await expect(dispatcher.dispatch(chat(alice, bob))).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
}
