import { DispatchCommand, Dispatcher, ErrorCode, HistoryStore, newTimeOrderedId } from '@app/core';
import { InProcessInvalidationBus } from '@app/embedded';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { WireType } from '@app/protocol';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AccessPolicy } from './access-policy';
import { BlocksService } from './blocks.service';
import { FriendsService } from './friends.service';
import { GroupMembershipCache } from './group-membership.cache';
import { Notifier } from './notifier';
import { SocialGraphCache } from './social-graph.cache';

/**
 * Friend requests and friendships on the one-process relational store (SQLite in memory), with the real policy and
 * social-graph cache; the dispatcher is a fake recording each user's notifications. Each test makes its own users.
 */
describe('FriendsService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let now: number;
  let sent: DispatchCommand[];
  let bus: InProcessInvalidationBus;
  let cache: SocialGraphCache;
  /** Another gateway's cache: it hears of changes only through the invalidation bus. */
  let elsewhere: SocialGraphCache;
  let policy: AccessPolicy;
  let service: FriendsService;
  let blocks: BlocksService;

  const clock = { now: () => now };
  const dispatcher: Dispatcher = {
    dispatch: async (command) => {
      sent.push(command);
      return { messageId: newTimeOrderedId(), createdAt: new Date(now).toISOString() };
    },
  };
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });
  const inboxOf = (userId: string) =>
    sent.filter((c) => c.recipientIds.includes(userId)).map((c) => ({ type: c.type, data: c.data, body: c.body }));
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: now });
    return id;
  };
  const pair = async () => [await newUser('ann'), await newUser('bob')];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ kind: 'sqlite', file: ':memory:' })],
    }).compile();
    users = moduleRef.get(UsersRepository);
    graph = moduleRef.get(SocialGraphRepository);
  });
  afterAll(() => moduleRef.close());

  beforeEach(async () => {
    now = Date.parse('2026-12-02T10:00:00.000Z');
    sent = [];
    bus = new InProcessInvalidationBus();
    // a TTL far longer than any test: a change is seen only if it was invalidated
    cache = new SocialGraphCache(graph, { ttlMs: 3_600_000 }, bus);
    elsewhere = new SocialGraphCache(graph, { ttlMs: 3_600_000 }, bus);
    await Promise.all([cache.onModuleInit(), elsewhere.onModuleInit()]);
    const groups = moduleRef.get(GroupsRepository);
    const membership = new GroupMembershipCache(groups, clock);
    const history = { find: async () => undefined } as unknown as HistoryStore;
    policy = new AccessPolicy(cache, membership, users, groups, history);
    service = new FriendsService(users, graph, new Notifier(dispatcher), policy, cache, clock);
    blocks = new BlocksService(users, graph, cache, clock);
  });
  afterEach(() => Promise.all([cache.onModuleDestroy(), elsewhere.onModuleDestroy()]));

  it('a request reaches the addressee (203, with the text) and is pending for both until decided', async () => {
    const [ann, bob] = await pair();
    const { id } = await service.request(ann, bob, 'climb with me?');
    expect(inboxOf(bob)).toEqual([
      {
        type: WireType.FriendRequestReceived,
        data: { requestId: id, from: expect.objectContaining({ id: ann, nickname: 'ann' }) },
        body: 'climb with me?',
      },
    ]);
    const view = {
      id,
      fromUserId: ann,
      toUserId: bob,
      message: 'climb with me?',
      status: 'pending',
      createdAt: new Date(now).toISOString(),
    };
    expect(await service.pendingRequests(bob)).toEqual([view]);
    expect(await service.pendingRequests(ann)).toEqual([view]);
    expect(await service.friends(ann)).toEqual([]);
  });

  it('accepting makes both friends at once, on every gateway, and tells the requester (205)', async () => {
    const [ann, bob] = await pair();
    // warm both caches: they know ann and bob as strangers
    await expect(policy.sendDirect(ann, bob)).rejects.toEqual(code(ErrorCode.NotFriends));
    expect((await elsewhere.relations(bob)).friends.size).toBe(0);
    const { id } = await service.request(ann, bob);

    expect(await service.accept(bob, id)).toMatchObject({ id, status: 'accepted' });
    expect(inboxOf(ann)).toEqual([
      { type: WireType.FriendRequestAccepted, data: { requestId: id, kind: 'friend', userId: bob }, body: undefined },
    ]);
    expect(await service.friends(ann)).toEqual([{ id: bob, username: expect.any(String), nickname: 'bob' }]);
    expect((await service.friends(bob)).map((u) => u.id)).toEqual([ann]);
    await expect(policy.sendDirect(ann, bob)).resolves.toBeUndefined();
    await expect(policy.sendDirect(bob, ann)).resolves.toBeUndefined();
    expect([...(await elsewhere.relations(bob)).friends]).toEqual([ann]);
    expect(await service.pendingRequests(bob)).toEqual([]);
  });

  it('rejecting tells the requester (207) and makes no friendship; either decision is final', async () => {
    const [ann, bob] = await pair();
    const { id } = await service.request(ann, bob);
    expect(await service.reject(bob, id)).toMatchObject({ status: 'rejected' });
    expect(inboxOf(ann)).toEqual([
      { type: WireType.RequestRejected, data: { requestId: id, kind: 'friend', userId: bob }, body: undefined },
    ]);
    expect(await service.friends(bob)).toEqual([]);
    await expect(service.accept(bob, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotPending));
    await expect(service.reject(bob, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotPending));
    // decided, so a new request may be made, by either side
    await expect(service.request(bob, ann)).resolves.toEqual({ id: expect.any(String) });
  });

  it('only the addressee may decide; to anyone else the request does not exist', async () => {
    const [ann, bob] = await pair();
    const eve = await newUser('eve');
    const { id } = await service.request(ann, bob);
    await expect(service.accept(ann, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotFound));
    await expect(service.accept(eve, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotFound));
    await expect(service.reject(eve, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotFound));
    await expect(service.accept(bob, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.FriendRequestNotFound));
    expect(await service.friends(ann)).toEqual([]);
    expect(await service.pendingRequests(bob)).toHaveLength(1);
  });

  it('refuses a request to oneself, to nobody, to a friend, or twice while one is pending (either side)', async () => {
    const [ann, bob] = await pair();
    await expect(service.request(ann, ann)).rejects.toEqual(code(ErrorCode.CannotTargetSelf));
    await expect(service.request(ann, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.UserNotFound));
    const { id } = await service.request(ann, bob);
    await expect(service.request(ann, bob)).rejects.toEqual(code(ErrorCode.FriendRequestExists));
    await expect(service.request(bob, ann)).rejects.toEqual(code(ErrorCode.FriendRequestExists));
    await service.accept(bob, id);
    await expect(service.request(bob, ann)).rejects.toEqual(code(ErrorCode.AlreadyFriends));
    expect(inboxOf(bob)).toHaveLength(1);
  });

  it('a block, either way, refuses requests, and rejects the one pending so it cannot be accepted later', async () => {
    const [ann, bob] = await pair();
    const { id } = await service.request(ann, bob);
    await blocks.block(ann, bob);
    await expect(service.accept(bob, id)).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(service.request(bob, ann)).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(service.request(ann, bob)).rejects.toEqual(code(ErrorCode.Blocked));
    await blocks.unblock(ann, bob);
    await expect(service.accept(bob, id)).rejects.toEqual(code(ErrorCode.FriendRequestNotPending));
    expect(await service.friends(bob)).toEqual([]);
  });

  it('unfriending ends the friendship both ways at once; it needs an existing user, not a friendship', async () => {
    const [ann, bob] = await pair();
    await service.accept(bob, (await service.request(ann, bob)).id);
    await expect(policy.sendDirect(bob, ann)).resolves.toBeUndefined();
    expect([...(await elsewhere.relations(ann)).friends]).toEqual([bob]);

    await service.unfriend(ann, bob);
    expect(await service.friends(ann)).toEqual([]);
    expect(await service.friends(bob)).toEqual([]);
    await expect(policy.sendDirect(bob, ann)).rejects.toEqual(code(ErrorCode.NotFriends));
    expect((await elsewhere.relations(ann)).friends.size).toBe(0);
    await expect(service.unfriend(ann, bob)).resolves.toBeUndefined();
    await expect(service.unfriend(ann, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.UserNotFound));
  });

  it('lists friends oldest friendship first, with their public fields only', async () => {
    const [ann, bob] = await pair();
    const cid = await newUser('cid');
    await service.accept(bob, (await service.request(ann, bob)).id);
    now += 1000;
    await service.accept(ann, (await service.request(cid, ann)).id);
    const friends = await service.friends(ann);
    expect(friends.map((u) => u.id)).toEqual([bob, cid]);
    expect(Object.keys(friends[0]).sort()).toEqual(['id', 'nickname', 'username']);
  });
});
