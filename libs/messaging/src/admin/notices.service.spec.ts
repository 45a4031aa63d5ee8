import { DispatchCommand, Dispatcher, ErrorCode, HistoryStore, newTimeOrderedId, PushBroadcaster } from '@app/core';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { NoticeEvent, SYSTEM_SENDER_ID, WireType } from '@app/protocol';
import { AccessPolicy, GroupMembershipCache, SocialGraphCache } from '@app/social';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { NoticesService } from './notices.service';

/**
 * System notices with the real policy on the one-process relational store (SQLite in memory); the dispatcher (inbox
 * notices) and the broadcaster (live notices to everyone online) are fakes that record what was sent.
 */
describe('NoticesService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let groups: GroupsRepository;
  let sent: DispatchCommand[];
  let broadcast: NoticeEvent[];
  let service: NoticesService;
  const now = Date.parse('2026-12-02T10:00:00.000Z');

  const dispatcher: Dispatcher = {
    dispatch: async (command) => {
      sent.push(command);
      return { messageId: newTimeOrderedId(), createdAt: new Date(now).toISOString() };
    },
  };
  const broadcaster = {
    broadcastNotice: async (event: NoticeEvent) => void broadcast.push(event),
  } as unknown as PushBroadcaster;
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: now });
    return id;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ kind: 'sqlite', file: ':memory:' })],
    }).compile();
    users = moduleRef.get(UsersRepository);
    groups = moduleRef.get(GroupsRepository);
  });
  afterAll(() => moduleRef.close());

  beforeEach(() => {
    sent = [];
    broadcast = [];
    const clock = { now: () => now };
    const history = { find: async () => undefined } as unknown as HistoryStore;
    const policy = new AccessPolicy(
      new SocialGraphCache(moduleRef.get(SocialGraphRepository)),
      new GroupMembershipCache(groups, clock),
      users,
      groups,
      history,
    );
    service = new NoticesService(dispatcher, broadcaster, policy);
  });

  it('to a user: one inbox notice (210) from the system', async () => {
    const ann = await newUser('ann');
    const answer = await service.send({ userId: ann }, 'maintenance at noon');
    expect(answer).toEqual({ noticeId: expect.any(String), recipients: 1 });
    expect(sent).toEqual([
      {
        type: WireType.SystemNotice,
        senderId: SYSTEM_SENDER_ID,
        recipientIds: [ann],
        receiverId: ann,
        body: 'maintenance at noon',
        data: { noticeId: answer.noticeId },
        storeInHistory: false,
      },
    ]);
    expect(broadcast).toEqual([]);
  });

  it('to a group: one notice to each current member', async () => {
    const [o, m] = [await newUser('o'), await newUser('m')];
    const g = newTimeOrderedId();
    await groups.createGroup({ id: g, name: 'crew', ownerId: o, createdAt: now });
    await groups.addMember(g, m, 'member', now);
    const answer = await service.send({ groupId: g }, 'welcome');
    expect(answer).toEqual({ noticeId: expect.any(String), recipients: 2 });
    expect(sent).toEqual([
      expect.objectContaining({
        type: WireType.SystemNotice,
        senderId: SYSTEM_SENDER_ID,
        groupId: g,
        body: 'welcome',
        data: { noticeId: answer.noticeId, groupId: g },
      }),
    ]);
    expect([...sent[0].recipientIds].sort()).toEqual([o, m].sort());
  });

  it('to everyone online: a live broadcast, nothing in any inbox', async () => {
    const answer = await service.send({ all: true }, 'hello world');
    expect(answer).toEqual({ noticeId: expect.any(String) });
    expect(broadcast).toEqual([
      { type: WireType.SystemNotice, noticeId: answer.noticeId, body: 'hello world', createdAt: expect.any(String) },
    ]);
    expect(sent).toEqual([]);
  });

  it('refuses a user or a group that does not exist, or a dissolved group, sending nothing', async () => {
    await expect(service.send({ userId: newTimeOrderedId() }, 'x')).rejects.toEqual(code(ErrorCode.UserNotFound));
    await expect(service.send({ groupId: newTimeOrderedId() }, 'x')).rejects.toEqual(code(ErrorCode.GroupNotFound));
    const o = await newUser('o');
    const g = newTimeOrderedId();
    await groups.createGroup({ id: g, name: 'gone', ownerId: o, createdAt: now });
    await groups.dissolve(g, now);
    await expect(service.send({ groupId: g }, 'x')).rejects.toEqual(code(ErrorCode.GroupNotFound));
    expect(sent).toEqual([]);
  });

  it.each([
    ['no target', {}],
    ['two targets', { userId: 'u', all: true }],
    ['all: false', { all: false }],
    ['a user and a group', { userId: 'u', groupId: 'g' }],
  ])('refuses %s (exactly one target)', async (_name, to) => {
    await expect(service.send(to, 'x')).rejects.toEqual(code(ErrorCode.ValidationFailed));
    expect(sent).toEqual([]);
    expect(broadcast).toEqual([]);
  });
});
