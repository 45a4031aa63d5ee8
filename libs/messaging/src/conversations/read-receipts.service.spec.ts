import { DispatchCommand, Dispatcher, ErrorCode, HistoryRecord, newTimeOrderedId } from '@app/core';
import { EmbeddedDatabase, SqliteHistoryStore } from '@app/embedded';
import {
  GroupsRepository,
  PersistenceModule,
  ReadReceiptsRepository,
  SocialGraphRepository,
  UsersRepository,
} from '@app/persistence';
import { groupConversationId, WireType } from '@app/protocol';
import { AccessPolicy, GroupMembershipCache, Notifier, SocialGraphCache } from '@app/social';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { ReadReceiptsService } from './read-receipts.service';

/**
 * Read receipts on the one-process stores (relational and history in SQLite in memory) with the real policy; the
 * dispatcher is a fake recording the 209s each user would get. Each test makes its own users, group and messages.
 */
describe('ReadReceiptsService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let groups: GroupsRepository;
  let database: EmbeddedDatabase;
  let history: SqliteHistoryStore;
  let cache: SocialGraphCache;
  let membership: GroupMembershipCache;
  let sent: DispatchCommand[];
  let now: number;
  let service: ReadReceiptsService;

  const clock = { now: () => now };
  const dispatcher: Dispatcher = {
    dispatch: async (command) => {
      sent.push(command);
      return { messageId: newTimeOrderedId(), createdAt: new Date(now).toISOString() };
    },
  };
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: now });
    return id;
  };
  const befriend = async (a: string, b: string) => {
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: a,
      toUserId: b,
      message: null,
      createdAt: now,
    });
    await graph.decideFriendRequest(request, 'accepted', now);
  };
  const direct = (a: string, b: string) => `d:${[a, b].sort().join(':')}`;
  /** Stores a message in history and returns its id (ids are time-ordered: a later message has a greater id). */
  const store = async (record: Omit<HistoryRecord, 'messageId' | 'type' | 'body' | 'createdAt'>) => {
    const messageId = newTimeOrderedId();
    const type = record.groupId ? WireType.GroupMessage : WireType.FriendMessage;
    await history.index([{ messageId, type, body: 'hello', createdAt: now, ...record }]);
    return messageId;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ kind: 'sqlite', file: ':memory:' })],
    }).compile();
    users = moduleRef.get(UsersRepository);
    graph = moduleRef.get(SocialGraphRepository);
    groups = moduleRef.get(GroupsRepository);
  });
  afterAll(() => moduleRef.close());

  beforeEach(() => {
    now = Date.parse('2026-12-02T10:00:00.000Z');
    sent = [];
    database = new EmbeddedDatabase(':memory:');
    history = new SqliteHistoryStore(database);
    cache = new SocialGraphCache(graph);
    membership = new GroupMembershipCache(groups, clock);
    const policy = new AccessPolicy(cache, membership, users, groups, history);
    service = new ReadReceiptsService(policy, moduleRef.get(ReadReceiptsRepository), new Notifier(dispatcher), clock);
  });
  afterEach(() => database.close());

  describe('1:1', () => {
    let ann: string;
    let bob: string;
    let conversation: string;
    let first: string;
    let second: string;

    beforeEach(async () => {
      [ann, bob] = [await newUser('ann'), await newUser('bob')];
      await befriend(ann, bob);
      conversation = direct(ann, bob);
      const ends = { conversationId: conversation, senderId: ann, receiverId: bob, participants: [ann, bob] };
      first = await store(ends);
      second = await store(ends);
    });

    it('moves the reader’s watermark and tells the other end (209); the sender sees one reader', async () => {
      expect(await service.readCount(ann, conversation, first)).toEqual({ count: 0 });
      expect(await service.markRead(bob, conversation, first)).toEqual({
        conversationId: conversation,
        messageId: first,
        advanced: true,
      });
      expect(sent).toEqual([
        expect.objectContaining({
          type: WireType.ReadReceipt,
          senderId: bob,
          recipientIds: [ann],
          data: { conversationId: conversation, userId: bob, messageId: first },
          storeInHistory: false,
        }),
      ]);
      expect(sent[0]).not.toHaveProperty('groupId');
      expect(await service.readCount(ann, conversation, first)).toEqual({ count: 1 });
      expect(await service.readCount(ann, conversation, second)).toEqual({ count: 0 });
      // the reader is not counted for themselves
      expect(await service.readCount(bob, conversation, first)).toEqual({ count: 0 });
    });

    it('never moves back, and says nothing when it does not move', async () => {
      await service.markRead(bob, conversation, second);
      sent = [];
      expect(await service.markRead(bob, conversation, first)).toEqual({
        conversationId: conversation,
        messageId: second,
        advanced: false,
      });
      expect(await service.markRead(bob, conversation, second)).toMatchObject({ advanced: false });
      expect(sent).toEqual([]);
      expect(await service.readCount(ann, conversation, first)).toEqual({ count: 1 });
    });

    it('refuses a stranger, a made-up message and a message of another conversation', async () => {
      const eve = await newUser('eve');
      await expect(service.markRead(eve, conversation, first)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
      await expect(service.readCount(eve, conversation, first)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
      await expect(service.markRead(bob, conversation, newTimeOrderedId())).rejects.toEqual(
        code(ErrorCode.MessageNotFound),
      );
      await befriend(ann, eve);
      const elsewhere = await store({
        conversationId: direct(ann, eve),
        senderId: ann,
        receiverId: eve,
        participants: [ann, eve],
      });
      await expect(service.markRead(bob, conversation, elsewhere)).rejects.toEqual(code(ErrorCode.MessageNotFound));
      expect(sent).toEqual([]);
      expect(await service.readCount(ann, conversation, first)).toEqual({ count: 0 });
    });

    it('sends no receipt across a block', async () => {
      await graph.block(ann, bob, now);
      await cache.invalidate(ann, bob);
      await expect(service.markRead(bob, conversation, first)).rejects.toEqual(code(ErrorCode.Blocked));
      expect(sent).toEqual([]);
    });
  });

  describe('group', () => {
    it('tells the other members who consent to the reader, and counts current members only', async () => {
      const [o, m1, m2, m3] = [await newUser('o'), await newUser('m1'), await newUser('m2'), await newUser('m3')];
      const groupId = newTimeOrderedId();
      await groups.createGroup({ id: groupId, name: 'crew', ownerId: o, createdAt: now });
      for (const m of [m1, m2, m3]) await groups.addMember(groupId, m, 'member', now);
      await graph.block(m3, m1, now); // m3 blocks m1: m1's receipts do not reach m3
      const conversation = groupConversationId(groupId);
      const message = await store({ conversationId: conversation, senderId: o, groupId, participants: [] });

      await service.markRead(m1, conversation, message);
      expect(sent).toEqual([
        expect.objectContaining({
          type: WireType.ReadReceipt,
          senderId: m1,
          groupId,
          data: { conversationId: conversation, userId: m1, messageId: message },
        }),
      ]);
      expect([...sent[0].recipientIds].sort()).toEqual([o, m2].sort());
      await service.markRead(m2, conversation, message);
      expect(await service.readCount(o, conversation, message)).toEqual({ count: 2 });

      await groups.removeMember(groupId, m2); // m2 leaves (as GroupsService does it)
      await membership.invalidate(groupId);
      expect(await service.readCount(o, conversation, message)).toEqual({ count: 1 });
      await expect(service.readCount(m2, conversation, message)).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    });
  });
});
