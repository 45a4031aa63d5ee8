import { HistoryStore, InboxStore, newTimeOrderedId, SendJournal } from '@app/core';
import { OutboundMessage, WireType } from '@app/protocol';

export interface SendJournalStores {
  journal: SendJournal;
  inbox: InboxStore;
  history: HistoryStore;
}

export interface SendJournalHarness {
  create(): Promise<SendJournalStores>;
  /** The same data opened again, as after a restart of the process. */
  reopen(): Promise<SendJournalStores>;
  close(): Promise<void>;
}

function messageBetween(senderId: string, receiverId: string, body: string): OutboundMessage {
  return {
    type: WireType.FriendMessage,
    messageId: newTimeOrderedId(),
    senderId,
    receiverId,
    conversationId: `d:${senderId}:${receiverId}`,
    body,
    createdAt: new Date().toISOString(),
  };
}

function historyOf(m: OutboundMessage) {
  return {
    messageId: m.messageId,
    type: m.type,
    conversationId: m.conversationId!,
    senderId: m.senderId!,
    receiverId: m.receiverId,
    participants: [m.senderId!, m.receiverId!],
    body: m.body!,
    createdAt: Date.parse(m.createdAt),
  };
}

export function sendJournalContract(harness: SendJournalHarness): void {
  let stores: SendJournalStores;
  const user = () => `u-${newTimeOrderedId()}`;
  const send = (from: string, to: string, body: string, clientMsgId?: string) => {
    const message = messageBetween(from, to, body);
    return stores.journal
      .commit({
        message,
        recipientIds: [to, from],
        history: historyOf(message),
        ...(clientMsgId && { dedup: { senderId: from, clientMsgId, ttlMs: 60_000 } }),
      })
      .then((outcome) => ({ message, outcome }));
  };

  beforeAll(async () => {
    stores = await harness.create();
  });
  afterAll(() => harness.close());

  it('commits the inbox entries of every recipient with their next seqs, and the history row, together', async () => {
    const [a, b] = [user(), user()];
    const first = await send(a, b, 'one');
    const second = await send(a, b, 'two');
    expect(first.outcome).toEqual({
      status: 'committed',
      allocations: [
        { userId: b, seq: 1 },
        { userId: a, seq: 1 },
      ],
    });
    expect(second.outcome).toMatchObject({ allocations: [{ seq: 2 }, { seq: 2 }] });
    const read = await stores.inbox.read(b, 0, 10);
    expect(read.entries.map((e) => [e.seq, JSON.parse(e.payload!).body])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(read).toMatchObject({ pending: [], headSeq: 2 });
    expect(await stores.history.find(first.message.messageId)).toMatchObject({ body: 'one', senderId: a });
  });

  it('answers a repeated clientMsgId with the first answer and writes nothing', async () => {
    const [a, b] = [user(), user()];
    const first = await send(a, b, 'once', 'k1');
    const again = await send(a, b, 'once', 'k1');
    expect(again.outcome).toEqual({
      status: 'duplicate',
      result: { messageId: first.message.messageId, createdAt: first.message.createdAt, senderSeq: 1 },
    });
    expect((await stores.inbox.read(b, 0, 10)).entries).toHaveLength(1);
    expect(await stores.history.find(again.message.messageId)).toBeUndefined();
  });

  it('gives sends committed together distinct, gapless seqs, and a repeated key inside them one answer', async () => {
    const [a, b] = [user(), user()];
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => send(a, b, `m${i}`)),
      send(a, b, 'dup', 'same'),
      send(a, b, 'dup', 'same'),
    ]);
    const committed = outcomes.filter((o) => o.outcome.status === 'committed');
    expect(committed).toHaveLength(31);
    const read = await stores.inbox.read(b, 0, 100);
    expect(read.entries.map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });

  it('continues after the acknowledged seqs, and after a restart', async () => {
    const [a, b] = [user(), user()];
    await send(a, b, 'one');
    await send(a, b, 'two');
    await stores.inbox.ack(b, 2);
    stores = await harness.reopen();
    const third = await send(a, b, 'three', 'k3');
    expect(third.outcome).toMatchObject({
      allocations: [
        { userId: b, seq: 3 },
        { userId: a, seq: 3 },
      ],
    });
    expect((await stores.inbox.read(b, 0, 10)).entries.map((e) => e.seq)).toEqual([3]);
    expect((await send(a, b, 'three', 'k3')).outcome.status).toBe('duplicate');
  });
}
