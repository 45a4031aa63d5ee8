import { ErrorCode, HistoryStore, newTimeOrderedId } from '@app/core';
import { InProcessInvalidationBus } from '@app/embedded';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AccessPolicy } from './access-policy';
import { BlocksService } from './blocks.service';
import { GroupMembershipCache } from './group-membership.cache';
import { SocialGraphCache } from './social-graph.cache';

/**
 * Blocks on the one-process relational store (SQLite in memory), seen through the real policy: what the two users
 * may still do with each other once one blocks the other, here and on another gateway.
 */
describe('BlocksService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let now: number;
  let bus: InProcessInvalidationBus;
  let cache: SocialGraphCache;
  /** Another gateway: its policy reads a cache that hears of changes only through the invalidation bus. */
  let elsewhere: SocialGraphCache;
  let policy: AccessPolicy;
  let policyElsewhere: AccessPolicy;
  let service: BlocksService;

  const clock = { now: () => now };
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: now });
    return id;
  };
  /** Two friends, ann and bob, with both gateways' caches warm. */
  const friends = async () => {
    const [ann, bob] = [await newUser('ann'), await newUser('bob')];
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: ann,
      toUserId: bob,
      message: null,
      createdAt: now,
    });
    await graph.decideFriendRequest(request, 'accepted', now);
    await policy.sendDirect(ann, bob);
    await policyElsewhere.sendDirect(bob, ann);
    return [ann, bob];
  };

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
    bus = new InProcessInvalidationBus();
    // a TTL far longer than any test: a change is seen only if it was invalidated
    cache = new SocialGraphCache(graph, { ttlMs: 3_600_000 }, bus);
    elsewhere = new SocialGraphCache(graph, { ttlMs: 3_600_000 }, bus);
    await Promise.all([cache.onModuleInit(), elsewhere.onModuleInit()]);
    const groups = moduleRef.get(GroupsRepository);
    const membership = new GroupMembershipCache(groups, clock);
    const history = { find: async () => undefined } as unknown as HistoryStore;
    policy = new AccessPolicy(cache, membership, users, groups, history);
    policyElsewhere = new AccessPolicy(elsewhere, membership, users, groups, history);
    service = new BlocksService(users, graph, cache, clock);
  });
  afterEach(() => Promise.all([cache.onModuleDestroy(), elsewhere.onModuleDestroy()]));

  it('a block stops messages both ways at once, on every gateway, though the friendship remains', async () => {
    const [ann, bob] = await friends();
    await service.block(ann, bob);
    await expect(policy.sendDirect(ann, bob)).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policy.sendDirect(bob, ann)).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policyElsewhere.sendDirect(bob, ann)).rejects.toEqual(code(ErrorCode.Blocked));
    expect(await policyElsewhere.presenceAudience(bob)).toEqual([]);
    expect(await graph.areFriends(ann, bob)).toBe(true);
    expect(await service.blocked(ann)).toEqual([bob]);
    expect(await service.blocked(bob)).toEqual([]);
  });

  it('unblocking restores what the friendship allows, everywhere; only the blocker can lift their block', async () => {
    const [ann, bob] = await friends();
    await service.block(ann, bob);
    await service.unblock(bob, ann); // bob did not block anyone: nothing changes
    await expect(policyElsewhere.sendDirect(bob, ann)).rejects.toEqual(code(ErrorCode.Blocked));
    await service.unblock(ann, bob);
    await expect(policy.sendDirect(ann, bob)).resolves.toBeUndefined();
    await expect(policyElsewhere.sendDirect(bob, ann)).resolves.toBeUndefined();
    expect(await service.blocked(ann)).toEqual([]);
  });

  it('blocking twice is harmless, and one block survives the other side’s own block and unblock', async () => {
    const [ann, bob] = await friends();
    await service.block(ann, bob);
    await service.block(ann, bob);
    await service.block(bob, ann);
    await service.unblock(bob, ann);
    await expect(policyElsewhere.sendDirect(bob, ann)).rejects.toEqual(code(ErrorCode.Blocked));
    expect(await service.blocked(ann)).toEqual([bob]);
  });

  it('lists the users one blocks, oldest block first', async () => {
    const ann = await newUser('ann');
    const [bob, cid] = [await newUser('bob'), await newUser('cid')];
    await service.block(ann, cid);
    now += 1000;
    await service.block(ann, bob);
    expect(await service.blocked(ann)).toEqual([cid, bob]);
  });

  it('refuses to block oneself or a user who does not exist', async () => {
    const ann = await newUser('ann');
    await expect(service.block(ann, ann)).rejects.toEqual(code(ErrorCode.CannotTargetSelf));
    await expect(service.block(ann, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.UserNotFound));
    expect(await service.blocked(ann)).toEqual([]);
  });
});
