import { SwitchboardConfig } from '@app/config';
import {
  DispatchCommand,
  InboxStore,
  MessageBus,
  MessageEnvelope,
  SendAdmission,
  SeqAllocation,
  SequentialSendAdmission,
  systemClock,
} from '@app/core';
import { EmbeddedDatabase, SqliteHistoryStore, SqliteInboxStore, SqliteSendDedupStore } from '@app/embedded';
import { WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageConsumers } from '@app/storage';
import { PushRouter } from './push-router';
import { MessageDispatchService } from './message-dispatch.service';

/**
 * Dispatch across a crash of its own process, on the embedded stores: a process that dies after the broker took a
 * message but before the answer was stored is played by a dispatcher whose inbox never confirms (it hangs there).
 */
describe('MessageDispatchService: a retry after the first try died', () => {
  // the claim lasts 3 × this: long enough that a busy machine still finds it held where a test expects it
  const PUBLISH_TIMEOUT_MS = 250;
  const config = { PUBLISH_TIMEOUT_MS, SEND_DEDUP_TTL_HOURS: 24 } as SwitchboardConfig;
  let database: EmbeddedDatabase;
  let inbox: SqliteInboxStore;
  let dedup: SqliteSendDedupStore;
  let history: SqliteHistoryStore;
  let published: MessageEnvelope[];
  let pushed: string[];

  const bus = (publish: (e: MessageEnvelope) => Promise<void>): MessageBus =>
    ({ publish, subscribe: jest.fn(), ping: jest.fn(), close: jest.fn() }) as unknown as MessageBus;
  const recordingBus = () => bus(async (envelope) => void published.push(envelope));
  const router = {
    lookup: async () => new Map(),
    push: async (m: { messageId: string }) => void pushed.push(m.messageId),
  } as unknown as PushRouter;
  const dispatcher = (messageBus: MessageBus, store: InboxStore = inbox) =>
    new MessageDispatchService(config, store, messageBus, dedup, systemClock, router);
  /** The first try's process: publishes, then never gets past confirming (it died there). */
  const dying = () =>
    dispatcher(
      recordingBus(),
      Object.assign(Object.create(inbox) as InboxStore, { confirm: () => new Promise<void>(() => undefined) }),
    );
  /** What the storage-worker's offline consumer does with a published envelope. */
  const consume = (envelope: MessageEnvelope) =>
    inbox.append(
      envelope.recipients.map((r: SeqAllocation) => ({
        ...r,
        payload: JSON.stringify(envelope.message),
        createdAt: Date.parse(envelope.message.createdAt),
      })),
    );
  const send = (clientMsgId = 'c-1'): DispatchCommand => ({
    type: WireType.FriendMessage,
    senderId: 'alice',
    recipientIds: ['bob', 'alice'],
    conversationId: 'd:alice:bob',
    receiverId: 'bob',
    body: 'hello',
    clientMsgId,
    storeInHistory: true,
  });
  const bodiesFor = async (userId: string) =>
    (await inbox.read(userId, 0, 100)).entries.map((e) => (e.payload ? JSON.parse(e.payload).messageId : null));

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    database = new EmbeddedDatabase(':memory:');
    inbox = new SqliteInboxStore(database, { retentionMs: 3 * 24 * 3600_000 });
    dedup = new SqliteSendDedupStore(database);
    history = new SqliteHistoryStore(database);
    published = [];
    pushed = [];
  });
  afterEach(() => database.close());

  it('answers with the first answer, sending nothing new, when the first try was published and consumed', async () => {
    void dying().dispatch(send());
    await waitFor(() => published.length === 1, EVENTUALLY_MS, 'the first try published');
    await consume(published[0]);
    // while the first try's claim lasts, a retry is told to wait
    await expect(dispatcher(recordingBus()).dispatch(send())).rejects.toMatchObject({ code: 'SEND_IN_PROGRESS' });
    await sleep(3 * PUBLISH_TIMEOUT_MS + 20);

    const retry = await dispatcher(recordingBus()).dispatch(send());
    expect(retry).toEqual({
      messageId: published[0].message.messageId,
      createdAt: published[0].message.createdAt,
      senderSeq: 1,
    });
    expect(published).toHaveLength(1);
    expect(await bodiesFor('bob')).toEqual([published[0].message.messageId]);
    // pushed again, in case the first try died before its push; clients drop a seq they hold
    expect(pushed).toEqual([published[0].message.messageId]);
    // and every later retry gets that same answer
    expect(await dispatcher(recordingBus()).dispatch(send())).toEqual(retry);
  });

  it('voids a first try that left no proof of publication and sends afresh: a late copy of it is never shown', async () => {
    void dying().dispatch(send());
    await waitFor(() => published.length === 1, EVENTUALLY_MS, 'the first try published');
    await sleep(3 * PUBLISH_TIMEOUT_MS + 20);
    // no proof of publication yet, and no confirm: the retry cannot tell, so it voids it and sends afresh
    const retry = await dispatcher(recordingBus()).dispatch(send());
    const first = published[0];
    expect(retry.messageId).not.toBe(first.message.messageId);
    // the void also publishes a tombstone for the first copy (in the background), so history forgets it too
    await waitFor(() => published.length === 3, EVENTUALLY_MS, 'the tombstone published');
    const tombstone = published.find((e) => e.discard)!;
    const second = published.find((e) => e !== first && !e.discard)!;
    expect(tombstone).toMatchObject({ message: { messageId: first.message.messageId }, recipients: [] });
    // the first copy arrives at the consumers late: refused by the inbox (burnt), dropped by history
    const storage = new StorageConsumers(inbox, history);
    for (const envelope of [first, second, tombstone]) {
      await consume(envelope);
      expect(await storage.storeHistory([envelope])).toEqual({ failed: [] });
    }
    expect(await bodiesFor('bob')).toEqual([null, retry.messageId]);
    expect(await bodiesFor('alice')).toEqual([null, retry.messageId]);
    expect(await history.find(first.message.messageId)).toBeUndefined();
    expect(await history.find(retry.messageId)).toMatchObject({ messageId: retry.messageId });
    // a tombstone that arrives before its message keeps it out just the same
    expect(await storage.storeHistory([first])).toEqual({ failed: [] });
    expect(await history.find(first.message.messageId)).toBeUndefined();
  });

  it('a first try held up past its claim, then voided by the retry, neither answers nor pushes when it resumes', async () => {
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    // an event loop held up for seconds: the first try gets past its publish, then stalls before confirming
    const stalled = Object.assign(Object.create(inbox) as InboxStore, {
      confirm: async (allocations: SeqAllocation[]) => (await gate, inbox.confirm(allocations)),
    });
    const first = dispatcher(recordingBus(), stalled)
      .dispatch(send())
      .catch((e: unknown) => e);
    await waitFor(() => published.length === 1, EVENTUALLY_MS, 'the first try published');
    await sleep(3 * PUBLISH_TIMEOUT_MS + 20);
    const retry = await dispatcher(recordingBus()).dispatch(send());
    expect(retry.messageId).not.toBe(published[0].message.messageId);

    resume();
    expect(await first).toMatchObject({ code: 'SEND_IN_PROGRESS' });
    expect(pushed).toEqual([retry.messageId]);
    // the retry's answer stands for every later retry: the lost try left the key alone
    expect(await dispatcher(recordingBus()).dispatch(send())).toEqual(retry);
    for (const envelope of published.filter((e) => !e.discard)) await consume(envelope);
    expect(await bodiesFor('bob')).toEqual([null, retry.messageId]);
  });

  it('publishes a tombstone when a publish fails, since the broker may have taken it after all', async () => {
    let calls = 0;
    const flaky = bus(async (envelope) => {
      published.push(envelope);
      if (++calls === 1) throw new Error('broker unreachable');
    });
    await expect(dispatcher(flaky).dispatch(send())).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    await waitFor(() => published.length === 2, EVENTUALLY_MS, 'the tombstone published');
    expect(published[1]).toMatchObject({ discard: true, message: { messageId: published[0].message.messageId } });
  });

  it('gives the key up when a publish fails, so that a retry sends at once', async () => {
    const stuck = bus(() => new Promise<void>(() => undefined)); // never answers, and the timeout...
    const first = dispatcher(stuck)
      .dispatch(send())
      .catch((e: unknown) => e);
    // ...burns its seqs and gives the key up, so the retry need not wait for the claim to run out
    expect(await first).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    const retry = await dispatcher(recordingBus()).dispatch(send());
    expect(retry.senderSeq).toBe(2);
    await consume(published[0]);
    expect(await bodiesFor('bob')).toEqual([null, retry.messageId]);
  });

  it('answers a send whose receipt was late but whose copy the offline consumer already wrote: no second copy', async () => {
    // the broker took it and the storage-worker wrote it, but the receipt never came within the timeout
    const storedButSilent = bus(async (envelope) => {
      published.push(envelope);
      await consume(envelope);
      return new Promise<void>(() => undefined);
    });
    const answer = await dispatcher(storedButSilent).dispatch(send());
    expect(answer).toMatchObject({ messageId: published[0].message.messageId, senderSeq: 1 });
    expect(pushed).toEqual([answer.messageId]);
    // a retry gets that answer; nothing new is sent, and no tombstone takes it out of history
    expect(await dispatcher(recordingBus()).dispatch(send())).toEqual(answer);
    await sleep(PUBLISH_TIMEOUT_MS);
    expect(published).toHaveLength(1);
    expect(await bodiesFor('bob')).toEqual([answer.messageId]);
  });

  it('keeps the note when storing the answer fails after publishing, so the retry still gets the first answer', async () => {
    const failingDedup = Object.assign(Object.create(dedup) as SqliteSendDedupStore, {
      complete: async () => {
        throw new Error('store down');
      },
    });
    const first = new MessageDispatchService(config, inbox, recordingBus(), failingDedup, systemClock, router);
    await expect(first.dispatch(send())).rejects.toThrow('store down');
    await consume(published[0]);
    await sleep(3 * PUBLISH_TIMEOUT_MS + 20);
    const retry = await dispatcher(recordingBus()).dispatch(send());
    expect(retry.messageId).toBe(published[0].message.messageId);
    expect(published).toHaveLength(1);
  });
});

describe('MessageDispatchService: the push', () => {
  const config = { PUBLISH_TIMEOUT_MS: 1000, SEND_DEDUP_TTL_HOURS: 24 } as SwitchboardConfig;
  let database: EmbeddedDatabase;
  beforeEach(() => (database = new EmbeddedDatabase(':memory:')));
  afterEach(() => database.close());

  it("looks the routes up beside the send's last store call, and pushes with that lookup", async () => {
    const inbox = new SqliteInboxStore(database, { retentionMs: 3 * 24 * 3600_000 });
    const dedup = new SqliteSendDedupStore(database);
    const sequential = new SequentialSendAdmission(dedup, inbox);
    const events: string[] = [];
    const lookedUp = Promise.resolve(new Map());
    const admission: SendAdmission = {
      admit: (send) => sequential.admit(send),
      conclude: (allocations, answer) => {
        events.push('conclude');
        return sequential.conclude(allocations, answer);
      },
    };
    const pushes: unknown[][] = [];
    const router = {
      lookup: (recipients: SeqAllocation[]) => {
        events.push(`lookup ${recipients.map((r) => r.userId).join(',')}`);
        return lookedUp;
      },
      push: async (...args: unknown[]) => void pushes.push(args),
    } as unknown as PushRouter;
    const bus = { publish: async () => undefined } as unknown as MessageBus;
    const service = new MessageDispatchService(config, inbox, bus, dedup, systemClock, router, admission);

    const result = await service.dispatch({
      type: WireType.FriendMessage,
      senderId: 'alice',
      recipientIds: ['bob', 'alice'],
      conversationId: 'd:alice:bob',
      receiverId: 'bob',
      body: 'hi',
      clientMsgId: 'c-1',
      storeInHistory: true,
    });
    // issued before the conclude is awaited (one round trip for both where they share an engine), and only once
    expect(events).toEqual(['lookup bob,alice', 'conclude']);
    expect(pushes).toHaveLength(1);
    expect(pushes[0][0]).toMatchObject({ messageId: result.messageId });
    expect(pushes[0][2]).toBe(lookedUp);
  });
});
