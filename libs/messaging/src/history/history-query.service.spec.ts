import { ErrorCode, HistoryRecord, newTimeOrderedId } from '@app/core';
import { EmbeddedDatabase, SqliteHistoryStore } from '@app/embedded';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { groupConversationId, WireType } from '@app/protocol';
import { AccessPolicy, GroupMembershipCache, SocialGraphCache } from '@app/social';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { HistoryQueryService } from './history-query.service';

/**
 * History pages, search and the conversation list on the one-process stores (relational and history in SQLite in
 * memory) with the real policy: each caller reads exactly the conversations they may read, and nothing else.
 */
describe('HistoryQueryService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let groups: GroupsRepository;
  let database: EmbeddedDatabase;
  let history: SqliteHistoryStore;
  let membership: GroupMembershipCache;
  let service: HistoryQueryService;
  let now: number;

  // ann and bob talk 1:1; ann and cid are in group g; bob and cid talk 1:1 without ann
  let ann: string, bob: string, cid: string, eve: string, g: string;
  let annBob: string, bobCid: string, group: string;
  let m1: HistoryRecord, m2: HistoryRecord, m3: HistoryRecord, recalled: HistoryRecord;
  let inGroup: HistoryRecord, secret: HistoryRecord;

  const clock = { now: () => now };
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: now });
    return id;
  };
  const direct = (a: string, b: string) => `d:${[a, b].sort().join(':')}`;
  /** A stored message, one second after the previous one. */
  const say = async (from: string, to: { user: string } | { group: string }, body: string) => {
    now += 1000;
    const record: HistoryRecord =
      'user' in to
        ? {
            messageId: newTimeOrderedId(),
            type: WireType.FriendMessage,
            conversationId: direct(from, to.user),
            senderId: from,
            receiverId: to.user,
            participants: [from, to.user],
            body,
            createdAt: now,
          }
        : {
            messageId: newTimeOrderedId(),
            type: WireType.GroupMessage,
            conversationId: groupConversationId(to.group),
            senderId: from,
            groupId: to.group,
            participants: [],
            body,
            createdAt: now,
          };
    await history.index([record]);
    return record;
  };
  const ids = (records: { messageId: string }[]) => records.map((r) => r.messageId);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ kind: 'sqlite', file: ':memory:' })],
    }).compile();
    users = moduleRef.get(UsersRepository);
    groups = moduleRef.get(GroupsRepository);
  });
  afterAll(() => moduleRef.close());

  beforeEach(async () => {
    now = Date.parse('2026-12-02T10:00:00.000Z');
    database = new EmbeddedDatabase(':memory:');
    history = new SqliteHistoryStore(database);
    membership = new GroupMembershipCache(groups, clock);
    const policy = new AccessPolicy(
      new SocialGraphCache(moduleRef.get(SocialGraphRepository)),
      membership,
      users,
      groups,
      history,
    );
    service = new HistoryQueryService(history, policy);

    [ann, bob, cid, eve] = [await newUser('ann'), await newUser('bob'), await newUser('cid'), await newUser('eve')];
    g = newTimeOrderedId();
    await groups.createGroup({ id: g, name: 'crew', ownerId: ann, createdAt: now });
    await groups.addMember(g, cid, 'member', now);
    [annBob, bobCid, group] = [direct(ann, bob), direct(bob, cid), groupConversationId(g)];
    m1 = await say(ann, { user: bob }, 'hello bob');
    m2 = await say(bob, { user: ann }, 'hello ann');
    recalled = await say(ann, { user: bob }, 'hello oops');
    await history.markRecalled(recalled.messageId);
    m3 = await say(ann, { user: bob }, 'see you');
    inGroup = await say(cid, { group: g }, 'hello climbers');
    secret = await say(bob, { user: cid }, 'hello secret');
  });
  afterEach(() => database.close());

  it('pages a conversation newest first, with a cursor while more remain', async () => {
    const first = await service.page(bob, annBob, undefined, 3);
    expect(ids(first.items)).toEqual([m3.messageId, recalled.messageId, m2.messageId]);
    expect(first.nextBefore).toBe(m2.messageId);
    const second = await service.page(bob, annBob, first.nextBefore, 3);
    expect(ids(second.items)).toEqual([m1.messageId]);
    expect(second).not.toHaveProperty('nextBefore');
    expect(first.items[0]).toEqual({
      messageId: m3.messageId,
      type: WireType.FriendMessage,
      conversationId: annBob,
      senderId: ann,
      receiverId: bob,
      body: 'see you',
      createdAt: new Date(m3.createdAt).toISOString(),
    });
    // exactly `limit` left: no cursor to an empty page
    expect(await service.page(ann, annBob, undefined, 4)).not.toHaveProperty('nextBefore');
  });

  it('shows a recalled message blank and marked, and a group message with its group', async () => {
    const page = await service.page(ann, annBob, m3.messageId, 1);
    expect(page.items).toEqual([expect.objectContaining({ messageId: recalled.messageId, body: '', recalled: true })]);
    expect((await service.page(ann, group, undefined, 10)).items).toEqual([
      expect.objectContaining({ messageId: inGroup.messageId, groupId: g, body: 'hello climbers' }),
    ]);
  });

  it('a conversation the caller is not part of does not exist for them', async () => {
    await expect(service.page(ann, bobCid, undefined, 10)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    await expect(service.page(bob, group, undefined, 10)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    await expect(service.page(eve, 'nonsense', undefined, 10)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    await expect(service.search(ann, 'hello', bobCid, 10)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
  });

  it('searches only the caller’s 1:1s and current groups, never recalled text', async () => {
    expect(ids(await service.search(ann, 'hello', undefined, 10)).sort()).toEqual(ids([m1, m2, inGroup]).sort());
    expect(ids(await service.search(bob, 'hello', undefined, 10)).sort()).toEqual(ids([m1, m2, secret]).sort());
    expect(ids(await service.search(ann, 'hello', group, 10))).toEqual([inGroup.messageId]);
    expect(await service.search(ann, 'oops', undefined, 10)).toEqual([]);
    expect(await service.search(eve, 'hello', undefined, 10)).toEqual([]);
  });

  it('a member who left reads the group’s history no more', async () => {
    expect((await service.page(cid, group, undefined, 10)).items).toHaveLength(1);
    await groups.removeMember(g, cid); // as GroupsService does it: remove, then invalidate
    await membership.invalidate(g);
    await expect(service.page(cid, group, undefined, 10)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    expect(ids(await service.search(cid, 'hello', undefined, 10))).toEqual([secret.messageId]);
    expect((await service.conversations(cid, 10)).map((c) => c.conversationId)).toEqual([bobCid]);
  });

  it('lists the caller’s conversations by latest message, naming the peer or the group', async () => {
    expect(await service.conversations(ann, 10)).toEqual([
      { conversationId: group, groupId: g, lastMessage: expect.objectContaining({ messageId: inGroup.messageId }) },
      { conversationId: annBob, peerId: bob, lastMessage: expect.objectContaining({ messageId: m3.messageId }) },
    ]);
    expect(await service.conversations(bob, 10)).toEqual([
      { conversationId: bobCid, peerId: cid, lastMessage: expect.objectContaining({ messageId: secret.messageId }) },
      { conversationId: annBob, peerId: ann, lastMessage: expect.objectContaining({ messageId: m3.messageId }) },
    ]);
    expect((await service.conversations(bob, 1)).map((c) => c.conversationId)).toEqual([bobCid]);
    expect(await service.conversations(eve, 10)).toEqual([]);
  });
});
