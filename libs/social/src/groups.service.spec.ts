import { DispatchCommand, Dispatcher, ErrorCode, HistoryStore, newTimeOrderedId } from '@app/core';
import { InProcessInvalidationBus } from '@app/embedded';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { WireType } from '@app/protocol';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AccessPolicy } from './access-policy';
import { GroupMembershipCache } from './group-membership.cache';
import { GroupsService } from './groups.service';
import { Notifier } from './notifier';
import { SocialGraphCache } from './social-graph.cache';

/**
 * GroupsService on the one-process relational store (SQLite in memory) with the real policy, caches and notifier;
 * only the dispatcher is a fake that records what each user would find in their inbox. Every test makes its own
 * users and group, so the tests share one database without seeing each other.
 */
describe('GroupsService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let groups: GroupsRepository;

  let now: number;
  let sent: DispatchCommand[];
  let dispatchFails: boolean;
  let bus: InProcessInvalidationBus;
  let graphCache: SocialGraphCache;
  let membership: GroupMembershipCache;
  /** Another gateway's membership cache: it hears of changes only through the invalidation bus. */
  let elsewhere: GroupMembershipCache;
  let policy: AccessPolicy;
  let service: GroupsService;

  const clock = { now: () => now };
  const dispatcher: Dispatcher = {
    dispatch: async (command) => {
      if (dispatchFails) throw new Error('dispatch down');
      sent.push(command);
      return { messageId: newTimeOrderedId(), createdAt: new Date(now).toISOString() };
    },
  };
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });

  /** What reached `userId`'s inbox, oldest first (type and data only). */
  const inboxOf = (userId: string) =>
    sent.filter((c) => c.recipientIds.includes(userId)).map((c) => ({ type: c.type, data: c.data, body: c.body }));
  const recipientsOf = (type: WireType) => sent.filter((c) => c.type === type).map((c) => [...c.recipientIds].sort());

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
    await graphCache.invalidate(a, b);
  };
  /** As BlocksService does it: the block, then the invalidation. */
  const block = async (blocker: string, blocked: string) => {
    await graph.block(blocker, blocked, now);
    await graphCache.invalidate(blocker, blocked);
  };
  const memberIdsOf = async (groupId: string) => (await groups.memberIds(groupId)).sort();
  const sorted = (...ids: string[]) => [...ids].sort();

  /**
   * A group of owner O, admin A and member M, plus F (a friend of O and of A, not in the group) and S (a stranger
   * to everyone). The membership caches are warmed, so a change must be invalidated to be seen.
   */
  async function world() {
    const [o, a, m, f, s] = [
      await newUser('owner'),
      await newUser('admin'),
      await newUser('member'),
      await newUser('friend'),
      await newUser('stranger'),
    ];
    for (const x of [a, m, f]) await befriend(o, x);
    await befriend(a, f);
    const g = newTimeOrderedId();
    await groups.createGroup({ id: g, name: 'crew', ownerId: o, createdAt: now });
    await groups.addMember(g, a, 'admin', now);
    await groups.addMember(g, m, 'member', now);
    await membership.memberIds(g);
    await elsewhere.memberIds(g);
    sent = [];
    return { o, a, m, f, s, g };
  }

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

  beforeEach(async () => {
    now = Date.parse('2026-12-02T10:00:00.000Z');
    sent = [];
    dispatchFails = false;
    bus = new InProcessInvalidationBus();
    graphCache = new SocialGraphCache(graph, {}, bus);
    // a TTL far longer than any test: a change is seen only if it was invalidated
    membership = new GroupMembershipCache(groups, clock, { ttlMs: 3_600_000 }, bus);
    elsewhere = new GroupMembershipCache(groups, clock, { ttlMs: 3_600_000 }, bus);
    await Promise.all([graphCache.onModuleInit(), membership.onModuleInit(), elsewhere.onModuleInit()]);
    const history = { find: async () => undefined } as unknown as HistoryStore;
    policy = new AccessPolicy(graphCache, membership, users, groups, history);
    service = new GroupsService(users, groups, membership, new Notifier(dispatcher), policy, clock);
  });
  afterEach(() =>
    Promise.all([graphCache.onModuleDestroy(), membership.onModuleDestroy(), elsewhere.onModuleDestroy()]),
  );

  describe('create, info, rename', () => {
    it('creates a group owned by the caller, who alone is in it and may message it at once', async () => {
      const o = await newUser('owner');
      const view = await service.create(o, '  Climbing crew  ');
      expect(view).toEqual({
        id: expect.any(String),
        name: 'Climbing crew',
        ownerId: o,
        createdAt: new Date(now).toISOString(),
        role: 'owner',
        memberCount: 1,
        conversationId: `g:${view.id}`,
      });
      expect(await service.mine(o)).toEqual([expect.objectContaining({ id: view.id, role: 'owner' })]);
      expect(await service.members(o, view.id)).toEqual([
        expect.objectContaining({ id: o, nickname: 'owner', role: 'owner' }),
      ]);
      await expect(policy.sendToGroup(o, view.id)).resolves.toMatchObject({ recipientIds: [o] });
    });

    it('shows a group to its members with their own role, and to nobody else', async () => {
      const { o, a, m, s, g } = await world();
      expect(await service.info(m, g)).toMatchObject({ id: g, role: 'member', ownerId: o, memberCount: 3 });
      expect(await service.info(a, g)).toMatchObject({ role: 'admin' });
      expect((await service.members(m, g)).map((x) => [x.id, x.role])).toEqual([
        [o, 'owner'],
        [a, 'admin'],
        [m, 'member'],
      ]);
      await expect(service.info(s, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(service.members(s, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(service.info(o, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.GroupNotFound));
      expect(await service.mine(s)).toEqual([]);
    });

    it('lets the owner or an admin rename (trimmed), not a member; a stranger does not see the group', async () => {
      const { a, m, s, g } = await world();
      expect(await service.rename(a, g, ' Crag rats ')).toMatchObject({ name: 'Crag rats', role: 'admin' });
      expect((await service.info(m, g)).name).toBe('Crag rats');
      await expect(service.rename(m, g, 'mine now')).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.rename(s, g, 'hijacked')).rejects.toEqual(code(ErrorCode.GroupNotFound));
      expect((await service.info(m, g)).name).toBe('Crag rats');
    });
  });

  describe('adding a friend directly (invite)', () => {
    it('adds the friend, announces the join (206) to the whole group and invalidates every cache', async () => {
      const { o, a, m, f, g } = await world();
      await service.invite(a, g, f);
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m, f));
      expect(await service.info(f, g)).toMatchObject({ role: 'member', memberCount: 4 });
      expect(recipientsOf(WireType.GroupJoinApproved)).toEqual([sorted(o, a, m, f)]);
      expect(inboxOf(m)).toEqual([
        {
          type: WireType.GroupJoinApproved,
          data: expect.objectContaining({ groupId: g, userId: f, kind: 'group', invitedBy: a }),
          body: undefined,
        },
      ]);
      // both gateways' warm caches dropped the group: the newcomer may send, and everyone hears them
      expect((await policy.sendToGroup(f, g)).recipientIds.sort()).toEqual(sorted(o, a, m, f));
      expect([...(await elsewhere.memberIds(g))].sort()).toEqual(sorted(o, a, m, f));
    });

    it.each([
      ['a non-friend', 's', ErrorCode.NotFriends],
      ['someone already in', 'm', ErrorCode.AlreadyGroupMember],
      ['the caller', 'o', ErrorCode.AlreadyGroupMember],
    ] as const)('refuses to add %s', async (_name, target, expected) => {
      const w = await world();
      await expect(service.invite(w.o, w.g, w[target])).rejects.toEqual(code(expected));
      expect(await memberIdsOf(w.g)).toEqual(sorted(w.o, w.a, w.m));
      expect(sent).toEqual([]);
    });

    it('refuses a user who does not exist, and a friend in a block with the adder (either way)', async () => {
      const { o, a, m, f, g } = await world();
      await expect(service.invite(o, g, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.UserNotFound));
      await block(f, o);
      await expect(service.invite(o, g, f)).rejects.toEqual(code(ErrorCode.Blocked));
      // the admin, whom f does not block, may still add f
      await service.invite(a, g, f);
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m, f));
    });

    it('lets only managers add: a member is refused (403), a non-member does not see the group (404)', async () => {
      const { o, m, f, s, g } = await world();
      await befriend(m, s);
      await expect(service.invite(m, g, s)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.invite(f, g, o)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      expect(await memberIdsOf(g)).not.toContain(s);
    });

    it('does not announce the newcomer to members in a block with them', async () => {
      const { o, a, m, f, g } = await world();
      await block(m, f);
      await service.invite(o, g, f);
      expect(recipientsOf(WireType.GroupJoinApproved)).toEqual([sorted(o, a, f)]);
    });

    it('still adds the member when the announcement cannot be dispatched', async () => {
      const { o, f, g } = await world();
      dispatchFails = true;
      await service.invite(o, g, f);
      expect(await groups.isMember(g, f)).toBe(true);
      expect(await membership.isMember(g, f)).toBe(true);
    });
  });

  describe('invitations', () => {
    it('invites anyone not in a block (215); on accepting they join and the group hears it (206)', async () => {
      const { o, a, m, s, g } = await world();
      const { id } = await service.inviteUser(a, g, s);
      expect(inboxOf(s)).toEqual([
        {
          type: WireType.GroupInvitation,
          data: expect.objectContaining({
            invitationId: id,
            groupId: g,
            groupName: 'crew',
            from: expect.objectContaining({ id: a }),
          }),
          body: undefined,
        },
      ]);
      expect(await service.invitations(s)).toEqual([
        expect.objectContaining({ id, groupId: g, userId: s, invitedBy: a, status: 'pending' }),
      ]);
      expect(await groups.isMember(g, s)).toBe(false);
      // an invitation is the invitee's to decide: it is not among the applications the managers see
      expect(await service.joinRequests(o, g)).toEqual([]);

      expect(await service.acceptInvitation(s, id)).toMatchObject({ id, status: 'approved' });
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m, s));
      expect(recipientsOf(WireType.GroupJoinApproved)).toEqual([sorted(o, a, m, s)]);
      expect(inboxOf(o).at(-1)?.data).toMatchObject({ userId: s, invitedBy: a, invitationId: id });
      expect(await service.invitations(s)).toEqual([]);
      expect([...(await elsewhere.memberIds(g))].sort()).toEqual(sorted(o, a, m, s));
      await expect(service.acceptInvitation(s, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotPending));
    });

    it('on declining, the inviter hears it (207) and nobody joins; it cannot be decided twice', async () => {
      const { o, a, m, s, g } = await world();
      const { id } = await service.inviteUser(o, g, s);
      expect(await service.declineInvitation(s, id)).toMatchObject({ id, status: 'rejected' });
      expect(inboxOf(o).at(-1)).toEqual({
        type: WireType.RequestRejected,
        data: { invitationId: id, kind: 'invitation', groupId: g, userId: s },
        body: undefined,
      });
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m));
      await expect(service.acceptInvitation(s, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotPending));
      await expect(service.declineInvitation(s, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotPending));
    });

    it('an invitation exists only for its invitee; an application is not an invitation', async () => {
      const { o, m, f, s, g } = await world();
      const { id } = await service.inviteUser(o, g, s);
      for (const other of [o, m, f])
        await expect(service.acceptInvitation(other, id)).rejects.toEqual(code(ErrorCode.GroupInvitationNotFound));
      await expect(service.declineInvitation(f, id)).rejects.toEqual(code(ErrorCode.GroupInvitationNotFound));
      await expect(service.acceptInvitation(s, newTimeOrderedId())).rejects.toEqual(
        code(ErrorCode.GroupInvitationNotFound),
      );
      const application = await service.requestToJoin(f, g);
      await expect(service.acceptInvitation(f, application.id)).rejects.toEqual(
        code(ErrorCode.GroupInvitationNotFound),
      );
      expect(await groups.isMember(g, f)).toBe(false);
    });

    it('refuses to invite a member, twice while one is pending, across a block, or by a plain member', async () => {
      const { o, a, m, f, s, g } = await world();
      await expect(service.inviteUser(o, g, m)).rejects.toEqual(code(ErrorCode.AlreadyGroupMember));
      await service.inviteUser(o, g, s);
      await expect(service.inviteUser(a, g, s)).rejects.toEqual(code(ErrorCode.GroupJoinRequestExists));
      await expect(service.inviteUser(m, g, f)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.inviteUser(f, g, s)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      const t = await newUser('troll');
      await block(t, a);
      await expect(service.inviteUser(a, g, t)).rejects.toEqual(code(ErrorCode.Blocked));
      expect((await service.invitations(t)).length).toBe(0);
    });

    it('cannot be accepted across a block with the inviter placed after it was sent; a decline then tells nobody', async () => {
      const { o, a, s, g } = await world();
      const first = await service.inviteUser(a, g, s);
      await block(s, a);
      await expect(service.acceptInvitation(s, first.id)).rejects.toEqual(code(ErrorCode.Blocked));
      expect(await groups.isMember(g, s)).toBe(false);
      sent = [];
      await service.declineInvitation(s, first.id);
      expect(inboxOf(a)).toEqual([]);
      // a new invitation from someone not in the block can be accepted
      const second = await service.inviteUser(o, g, s);
      await service.acceptInvitation(s, second.id);
      expect(await groups.isMember(g, s)).toBe(true);
    });
  });

  describe('join requests', () => {
    it('an application reaches the managers only (204); approving makes the applicant a member (206)', async () => {
      const { o, a, m, s, g } = await world();
      const { id } = await service.requestToJoin(s, g, 'let me in');
      expect(recipientsOf(WireType.GroupJoinRequestReceived)).toEqual([sorted(o, a)]);
      expect(inboxOf(o)).toEqual([
        {
          type: WireType.GroupJoinRequestReceived,
          data: expect.objectContaining({
            requestId: id,
            groupId: g,
            groupName: 'crew',
            from: expect.objectContaining({ id: s }),
          }),
          body: 'let me in',
        },
      ]);
      expect(await service.joinRequests(a, g)).toEqual([
        expect.objectContaining({ id, userId: s, message: 'let me in', status: 'pending' }),
      ]);
      await expect(service.joinRequests(m, g)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));

      expect(await service.approve(a, g, id)).toMatchObject({ id, status: 'approved' });
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m, s));
      expect(recipientsOf(WireType.GroupJoinApproved)).toEqual([sorted(o, a, m, s)]);
      expect(inboxOf(s).at(-1)?.data).toMatchObject({ groupId: g, userId: s, requestId: id });
      expect(await service.joinRequests(o, g)).toEqual([]);
      expect([...(await elsewhere.memberIds(g))].sort()).toEqual(sorted(o, a, m, s));
      await expect(service.approve(o, g, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotPending));
      await expect(service.reject(o, g, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotPending));
    });

    it('rejecting tells the applicant (207) and leaves the group as it was', async () => {
      const { o, a, m, s, g } = await world();
      const { id } = await service.requestToJoin(s, g);
      expect(await service.reject(o, g, id)).toMatchObject({ id, status: 'rejected' });
      expect(inboxOf(s)).toEqual([
        { type: WireType.RequestRejected, data: { requestId: id, kind: 'group', groupId: g }, body: undefined },
      ]);
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m));
      // decided: the applicant may apply again
      await expect(service.requestToJoin(s, g)).resolves.toEqual({ id: expect.any(String) });
    });

    it('refuses an application from a member, a second one while pending, to an unknown group, or across a block', async () => {
      const { a, m, s, g } = await world();
      await expect(service.requestToJoin(m, g)).rejects.toEqual(code(ErrorCode.AlreadyGroupMember));
      await service.requestToJoin(s, g);
      await expect(service.requestToJoin(s, g)).rejects.toEqual(code(ErrorCode.GroupJoinRequestExists));
      await expect(service.requestToJoin(s, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.GroupNotFound));
      const t = await newUser('troll');
      await block(a, t);
      await expect(service.requestToJoin(t, g)).rejects.toEqual(code(ErrorCode.Blocked));
    });

    it('decides only as a manager, and only requests of that group', async () => {
      const { o, m, f, s, g } = await world();
      const { id } = await service.requestToJoin(s, g);
      await expect(service.approve(m, g, id)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.reject(f, g, id)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(service.approve(o, g, newTimeOrderedId())).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotFound));
      const { id: other } = await service.create(o, 'other');
      await expect(service.approve(o, other, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotFound));
      expect(await groups.isMember(g, s)).toBe(false);
    });

    // an invitation is a row of the same table: only the invitee decides it (acceptInvitation), no manager in their place
    it('an invitation cannot be approved or rejected by a manager in the invitee’s place', async () => {
      const { o, s, g } = await world();
      const { id } = await service.inviteUser(o, g, s);
      await expect(service.approve(o, g, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotFound));
      await expect(service.reject(o, g, id)).rejects.toEqual(code(ErrorCode.GroupJoinRequestNotFound));
      expect(await groups.isMember(g, s)).toBe(false);
    });
  });

  describe('leaving and removing', () => {
    it('a member leaves: they no longer see the group nor may send to it, on this gateway or another', async () => {
      const { o, a, m, g } = await world();
      await expect(policy.sendToGroup(m, g)).resolves.toBeDefined();
      await service.removeMember(m, g, m);
      expect(await memberIdsOf(g)).toEqual(sorted(o, a));
      expect(await service.mine(m)).toEqual([]);
      await expect(service.info(m, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(policy.sendToGroup(m, g)).rejects.toEqual(code(ErrorCode.NotAGroupMember));
      expect(await elsewhere.isMember(g, m)).toBe(false);
      await expect(service.removeMember(m, g, m)).rejects.toEqual(code(ErrorCode.GroupNotFound));
    });

    it('the owner cannot leave', async () => {
      const { o, g } = await world();
      await expect(service.removeMember(o, g, o)).rejects.toEqual(code(ErrorCode.GroupOwnerCannotLeave));
      expect(await groups.role(g, o)).toBe('owner');
    });

    it('the owner removes anyone; an admin only plain members; a member nobody', async () => {
      const { o, a, m, f, g } = await world();
      const m2 = await newUser('member2');
      await befriend(o, m2);
      await service.invite(o, g, m2);
      await service.setRole(o, g, m2, 'admin'); // a second admin
      await expect(service.removeMember(m, g, a)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.removeMember(a, g, o)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.removeMember(a, g, m2)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.removeMember(a, g, f)).rejects.toEqual(code(ErrorCode.GroupMemberNotFound));
      await expect(service.removeMember(f, g, m)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      expect(await memberIdsOf(g)).toEqual(sorted(o, a, m, m2));

      await service.removeMember(a, g, m);
      await service.removeMember(o, g, m2);
      await service.removeMember(o, g, a);
      expect(await memberIdsOf(g)).toEqual([o]);
      expect([...(await elsewhere.memberIds(g))]).toEqual([o]);
      await expect(policy.sendToGroup(a, g)).rejects.toEqual(code(ErrorCode.NotAGroupMember));
    });
  });

  describe('roles and ownership', () => {
    it('the owner promotes and demotes; the role decides what the user may do', async () => {
      const { o, a, m, s, g } = await world();
      const { id } = await service.requestToJoin(s, g);
      await expect(service.setRole(a, g, m, 'admin')).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await service.setRole(o, g, m, 'admin');
      expect(await service.joinRequests(m, g)).toEqual([expect.objectContaining({ id })]);
      await service.setRole(o, g, m, 'member');
      await expect(service.joinRequests(m, g)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.setRole(o, g, o, 'member')).rejects.toEqual(code(ErrorCode.CannotTargetSelf));
      await expect(service.setRole(o, g, s, 'admin')).rejects.toEqual(code(ErrorCode.GroupMemberNotFound));
      expect(await groups.role(g, o)).toBe('owner');
    });

    it('transfers ownership to a member; the old owner stays as an admin and may then leave', async () => {
      const { o, a, m, g } = await world();
      expect(await service.transfer(o, g, m)).toMatchObject({ id: g, ownerId: m, role: 'admin', memberCount: 3 });
      expect(await service.info(a, g)).toMatchObject({ ownerId: m });
      expect((await service.members(a, g)).map((x) => [x.id, x.role])).toEqual([
        [o, 'admin'],
        [a, 'admin'],
        [m, 'owner'],
      ]);
      await expect(service.removeMember(m, g, m)).rejects.toEqual(code(ErrorCode.GroupOwnerCannotLeave));
      await expect(service.dissolve(o, g)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await service.removeMember(o, g, o);
      expect(await memberIdsOf(g)).toEqual(sorted(a, m));
    });

    it('refuses to transfer to oneself, to a non-member, or by anyone but the owner', async () => {
      const { o, a, m, s, g } = await world();
      await expect(service.transfer(o, g, o)).rejects.toEqual(code(ErrorCode.CannotTargetSelf));
      await expect(service.transfer(o, g, s)).rejects.toEqual(code(ErrorCode.GroupMemberNotFound));
      await expect(service.transfer(a, g, m)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      expect((await service.info(m, g)).ownerId).toBe(o);
    });
  });

  describe('dissolving', () => {
    it('the owner dissolves: the group is gone for everyone, with its pending requests and invitations', async () => {
      const { o, a, m, f, s, g } = await world();
      const application = await service.requestToJoin(f, g);
      const invitation = await service.inviteUser(o, g, s);
      await expect(service.dissolve(a, g)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
      await expect(service.dissolve(m, g)).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));

      await service.dissolve(o, g);
      for (const u of [o, a, m]) {
        await expect(service.info(u, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
        expect(await service.mine(u)).toEqual([]);
        await expect(policy.sendToGroup(u, g)).rejects.toEqual(code(ErrorCode.NotAGroupMember));
      }
      expect(await elsewhere.memberIds(g)).toEqual([]);
      expect(await service.invitations(s)).toEqual([]);
      await expect(service.acceptInvitation(s, invitation.id)).rejects.toEqual(
        code(ErrorCode.GroupJoinRequestNotPending),
      );
      await expect(service.approve(o, g, application.id)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(service.requestToJoin(s, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      await expect(service.dissolve(o, g)).rejects.toEqual(code(ErrorCode.GroupNotFound));
      expect(await groups.isMember(g, s)).toBe(false);
    });
  });
});
