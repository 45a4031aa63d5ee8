import { HistoryRecord, HistoryStore, newTimeOrderedId } from '@app/core';
import { directConversationId, groupConversationId, WireType } from '@app/protocol';

export interface HistoryStoreHarness {
  create(): Promise<HistoryStore>;
  close(): Promise<void>;
}

/** Every HistoryStore adapter: idempotent indexing, newest-first pages, search limited to the caller's scope. */
export function historyStoreContract(harness: HistoryStoreHarness): void {
  let store: HistoryStore;
  const uid = (p: string) => `${p}-${newTimeOrderedId()}`;
  let t = Date.now();

  function direct(from: string, to: string, body: string): HistoryRecord {
    return {
      messageId: newTimeOrderedId(),
      type: WireType.FriendMessage,
      conversationId: directConversationId(from, to),
      senderId: from,
      receiverId: to,
      participants: [from, to],
      body,
      createdAt: ++t,
    };
  }
  function group(from: string, groupId: string, body: string): HistoryRecord {
    return {
      messageId: newTimeOrderedId(),
      type: WireType.GroupMessage,
      conversationId: groupConversationId(groupId),
      senderId: from,
      groupId,
      participants: [],
      body,
      createdAt: ++t,
    };
  }

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('pages a conversation newest first with a messageId cursor', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const records = Array.from({ length: 5 }, (_, i) => direct(i % 2 ? b : a, i % 2 ? a : b, `message ${i}`));
    await store.index(records);
    const conversationId = directConversationId(a, b);
    const first = await store.page({ conversationId, limit: 3 });
    expect(first.map((r) => r.body)).toEqual(['message 4', 'message 3', 'message 2']);
    const second = await store.page({ conversationId, limit: 3, before: first[2].messageId });
    expect(second.map((r) => r.body)).toEqual(['message 1', 'message 0']);
    expect(second[1]).toEqual(records[0]);
  });

  it('indexes idempotently by messageId', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const r = direct(a, b, 'only once');
    await store.index([r]);
    await store.index([r, r]);
    expect(await store.page({ conversationId: r.conversationId, limit: 10 })).toHaveLength(1);
  });

  it('searches only the caller’s own conversations and groups', async () => {
    const [a, b, c, g, other] = [uid('a'), uid('b'), uid('c'), uid('g'), uid('g')];
    const word = `zebra${Date.now()}`;
    const mine = direct(a, b, `a ${word} crossed`);
    const theirs = direct(b, c, `another ${word} here`);
    const inMyGroup = group(b, g, `group ${word}`);
    const inOtherGroup = group(c, other, `secret ${word}`);
    await store.index([mine, theirs, inMyGroup, inOtherGroup]);
    const hits = await store.search({ scope: { userId: a, groupIds: [g] }, text: word, limit: 10 });
    expect(hits.map((h) => h.messageId).sort()).toEqual([mine.messageId, inMyGroup.messageId].sort());
    const onlyGroup = await store.search({
      scope: { userId: a, groupIds: [g] },
      text: word,
      conversationId: groupConversationId(g),
      limit: 10,
    });
    expect(onlyGroup.map((h) => h.messageId)).toEqual([inMyGroup.messageId]);
    expect(await store.search({ scope: { userId: a, groupIds: [] }, text: `nothing${Date.now()}`, limit: 10 })).toEqual(
      [],
    );
  });

  it('finds words in unicode text and treats query syntax as plain words', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const r = direct(a, b, 'Rendez-vous au café à midi 👋');
    await store.index([r]);
    const scope = { userId: a, groupIds: [] };
    expect((await store.search({ scope, text: 'café', limit: 5 })).map((h) => h.messageId)).toEqual([r.messageId]);
    expect((await store.search({ scope, text: 'MIDI', limit: 5 })).map((h) => h.messageId)).toEqual([r.messageId]);
    expect(await store.search({ scope, text: '"unbalanced (AND OR * NEAR', limit: 5 })).toEqual([]);
    expect((await store.search({ scope, text: 'café AND', limit: 5 })).map((h) => h.messageId)).toEqual([]);
  });

  it('lists the latest message of each conversation in scope, most recent first', async () => {
    const [a, b, c, g] = [uid('a'), uid('b'), uid('c'), uid('g')];
    await store.index([
      direct(a, b, 'ab 1'),
      direct(a, c, 'ac 1'),
      direct(b, a, 'ab 2'),
      group(c, g, 'g 1'),
      direct(b, c, 'bc'),
    ]);
    const latest = await store.latestPerConversation({ userId: a, groupIds: [g] }, 10);
    expect(latest.map((r) => r.body)).toEqual(['g 1', 'ab 2', 'ac 1']);
  });

  it('finds a message by id, and nothing for an unknown id', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const r = direct(a, b, 'look me up');
    await store.index([r]);
    expect(await store.find(r.messageId)).toEqual(r);
    expect(await store.find(newTimeOrderedId())).toBeUndefined();
  });

  it('shows a recalled message as recalled with no text, and search no longer finds it', async () => {
    const [a, b, g] = [uid('a'), uid('b'), uid('g')];
    const word = `walrus${Date.now()}`;
    const kept = direct(a, b, `kept ${word}`);
    const recalled = direct(a, b, `oops ${word}`);
    const inGroup = group(a, g, `group ${word}`);
    await store.index([kept, recalled, inGroup]);
    expect(await store.markRecalled(recalled.messageId)).toBe(true);
    expect(await store.markRecalled(inGroup.messageId)).toBe(true);

    const page = await store.page({ conversationId: kept.conversationId, limit: 10 });
    expect(page.map((r) => r.messageId)).toEqual([recalled.messageId, kept.messageId]);
    expect(page[0]).toMatchObject({ recalled: true, body: '', senderId: a });
    expect(page[1].recalled).toBeUndefined();
    expect(await store.find(recalled.messageId)).toMatchObject({ recalled: true, body: '' });
    expect((await store.page({ conversationId: inGroup.conversationId, limit: 10 }))[0]).toMatchObject({
      recalled: true,
      body: '',
    });

    const scope = { userId: a, groupIds: [g] };
    expect((await store.search({ scope, text: word, limit: 10 })).map((h) => h.messageId)).toEqual([kept.messageId]);
    expect(await store.search({ scope, text: 'oops', limit: 10 })).toEqual([]);
  });

  it('marks a message recalled idempotently, and a redelivered index cannot undo it', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const r = direct(a, b, `twice ${Date.now()}`);
    await store.index([r]);
    expect(await store.markRecalled(r.messageId)).toBe(true);
    expect(await store.markRecalled(r.messageId)).toBe(true);
    await store.index([r]);
    expect(await store.find(r.messageId)).toMatchObject({ recalled: true, body: '' });
    expect(await store.page({ conversationId: r.conversationId, limit: 10 })).toHaveLength(1);
    expect(await store.markRecalled(newTimeOrderedId())).toBe(false);
  });

  it('forgets a discarded message everywhere, whether it was indexed before or after the discard', async () => {
    const [a, b, g] = [uid('a'), uid('b'), uid('g')];
    const word = `voided${Date.now()}`;
    const kept = direct(a, b, `${word} kept`);
    const storedFirst = direct(a, b, `${word} stored first`);
    const discardedFirst = direct(b, a, `${word} discarded first`);
    const inGroup = group(a, g, `${word} in a group`);
    await store.index([kept, storedFirst, inGroup]);
    await store.discard([storedFirst.messageId, discardedFirst.messageId, inGroup.messageId]);
    await store.index([discardedFirst, storedFirst, inGroup]); // late or redelivered writes
    await store.discard([storedFirst.messageId]); // idempotent

    const ids = (records: HistoryRecord[]) => records.map((r) => r.messageId);
    expect(ids(await store.page({ conversationId: kept.conversationId, limit: 10 }))).toEqual([kept.messageId]);
    expect(await store.page({ conversationId: inGroup.conversationId, limit: 10 })).toEqual([]);
    const scope = { userId: a, groupIds: [g] };
    expect(ids(await store.search({ scope, text: word, limit: 10 }))).toEqual([kept.messageId]);
    expect(ids(await store.latestPerConversation(scope, 10))).toEqual([kept.messageId]);
    for (const gone of [storedFirst, discardedFirst, inGroup]) expect(await store.find(gone.messageId)).toBeUndefined();
    expect(await store.markRecalled(storedFirst.messageId)).toBe(false);
    await expect(store.discard([])).resolves.toBeUndefined();
  });
}
