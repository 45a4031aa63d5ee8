import { DomainError, ErrorCode, newTimeOrderedId } from '@app/core';
import {
  dataSourceOptions,
  GroupEntity,
  GroupMemberEntity,
  GroupsRepository,
  isUniqueViolation,
  ReadReceiptsRepository,
  RelationalStoreConfig,
  SocialGraphRepository,
  UsersRepository,
} from '@app/persistence';
import { DataSource } from 'typeorm';

export interface RelationalStoreHarness {
  config(): Promise<RelationalStoreConfig>;
  cleanup(): Promise<void>;
}

/** The relational store (users, requests, friendships, blocks): same model and constraints on every engine. */
export function relationalStoreContract(harness: RelationalStoreHarness): void {
  let dataSource: DataSource;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let groups: GroupsRepository;
  let reads: ReadReceiptsRepository;
  const now = Date.now();

  const newUser = (username = `user_${newTimeOrderedId().slice(-12)}`) =>
    users.create({ id: newTimeOrderedId(), username, nickname: username, passwordHash: 'x', createdAt: now });

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(await harness.config())).initialize();
    users = new UsersRepository(dataSource);
    graph = new SocialGraphRepository(dataSource);
    groups = new GroupsRepository(dataSource);
    reads = new ReadReceiptsRepository(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await harness.cleanup();
  });

  it('runs the migrations (no synchronize)', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('creates users and refuses a taken name whatever its case', async () => {
    const u = await newUser('Alice_' + now);
    expect(await users.findByUsername(('alice_' + now).toUpperCase())).toMatchObject({
      id: u.id,
      username: 'Alice_' + now,
    });
    await expect(newUser('ALICE_' + now)).rejects.toMatchObject({ code: ErrorCode.UsernameTaken });
    expect((await users.findById(u.id))?.createdAt).toBe(now);
  });

  it('searches by prefix with LIKE wildcards taken literally', async () => {
    const tag = newTimeOrderedId().slice(-8);
    await newUser(`srch${tag}_one`);
    await newUser(`srch${tag}_two`);
    await newUser(`srch${tag}x%`);
    expect((await users.searchByPrefix(`SRCH${tag}_`, 10)).map((u) => u.username)).toEqual([
      `srch${tag}_one`,
      `srch${tag}_two`,
    ]);
    expect(await users.searchByPrefix(`srch${tag}%`, 10)).toEqual([]);
    expect(await users.searchByPrefix(`srch${tag}`, 2)).toHaveLength(2);
  });

  it('allows one pending friend request per pair, whichever side asks', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: a.id,
      toUserId: b.id,
      message: 'hi',
      createdAt: now,
    });
    const again = graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: b.id,
      toUserId: a.id,
      message: null,
      createdAt: now,
    });
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: ErrorCode.FriendRequestExists });
    expect((await graph.pendingFriendRequests(b.id)).map((r) => r.id)).toEqual([request.id]);
    expect(await graph.decideFriendRequest(request, 'rejected', now)).toBe(true);
    // decided requests no longer block a new one
    await expect(
      graph.createFriendRequest({
        id: newTimeOrderedId(),
        fromUserId: b.id,
        toUserId: a.id,
        message: null,
        createdAt: now,
      }),
    ).resolves.toBeDefined();
  });

  it('accepts a request once and makes the pair friends', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: a.id,
      toUserId: b.id,
      message: null,
      createdAt: now,
    });
    const outcomes = await Promise.all([
      graph.decideFriendRequest(request, 'accepted', now),
      graph.decideFriendRequest(request, 'rejected', now),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const decided = await graph.findFriendRequest(request.id);
    expect(await graph.areFriends(b.id, a.id)).toBe(decided?.status === 'accepted');
  });

  it('lists, and removes friendships', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    for (const other of [b, c]) {
      const r = await graph.createFriendRequest({
        id: newTimeOrderedId(),
        fromUserId: a.id,
        toUserId: other.id,
        message: null,
        createdAt: now,
      });
      await graph.decideFriendRequest(r, 'accepted', now);
    }
    expect((await graph.friendIds(a.id)).sort()).toEqual([b.id, c.id].sort());
    expect(await graph.friendIds(b.id)).toEqual([a.id]);
    expect(await graph.removeFriendship(c.id, a.id)).toBe(true);
    expect(await graph.removeFriendship(c.id, a.id)).toBe(false);
    expect(await graph.areFriends(a.id, c.id)).toBe(false);
  });

  it('blocks in one direction and checks both', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await graph.block(a.id, b.id, now);
    await graph.block(a.id, b.id, now); // idempotent
    expect(await graph.isBlockedEitherWay(b.id, a.id)).toBe(true);
    expect(await graph.blockedBy(a.id)).toEqual([b.id]);
    expect(await graph.blockedBy(b.id)).toEqual([]);
    expect(await graph.unblock(a.id, b.id)).toBe(true);
    expect(await graph.isBlockedEitherWay(a.id, b.id)).toBe(false);
  });

  it('rejects the pair’s pending request when one blocks the other', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: a.id,
      toUserId: b.id,
      message: null,
      createdAt: now,
    });
    await graph.block(b.id, a.id, now);
    expect((await graph.findFriendRequest(request.id))?.status).toBe('rejected');
    expect(await graph.decideFriendRequest(request, 'accepted', now)).toBe(false);
    expect(await graph.areFriends(a.id, b.id)).toBe(false);
    expect(await graph.isBlockedEitherWay(a.id, b.id)).toBe(true);
  });
  const newGroup = async (owner: { id: string }, name = 'group') =>
    groups.createGroup({ id: newTimeOrderedId(), name, ownerId: owner.id, createdAt: now });
  const joinRequest = (groupId: string, userId: string) =>
    groups.createJoinRequest({ id: newTimeOrderedId(), groupId, userId, message: null, createdAt: now });

  it('creates a group with its owner as the only member, lists and renames it', async () => {
    const owner = await newUser();
    const group = await newGroup(owner, 'climbers');
    expect(await groups.memberIds(group.id)).toEqual([owner.id]);
    expect(await groups.role(group.id, owner.id)).toBe('owner');
    expect(await groups.groupIdsOf(owner.id)).toEqual([group.id]);
    expect(await groups.groupsOf(owner.id)).toEqual([
      {
        group: expect.objectContaining({ id: group.id, name: 'climbers', ownerId: owner.id, createdAt: now }),
        role: 'owner',
      },
    ]);
    expect(await groups.rename(group.id, 'boulderers')).toBe(true);
    expect((await groups.findActiveGroup(group.id))?.name).toBe('boulderers');
  });

  it('keeps membership unique: adding twice, even concurrently, leaves one row', async () => {
    const [owner, u] = [await newUser(), await newUser()];
    const group = await newGroup(owner);
    const outcomes = await Promise.all([
      groups.addMember(group.id, u.id, 'member', now),
      groups.addMember(group.id, u.id, 'member', now),
      groups.addMember(group.id, u.id, 'admin', now),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await groups.addMember(group.id, u.id, 'member', now)).toBe(false);
    expect((await groups.memberIds(group.id)).sort()).toEqual([owner.id, u.id].sort());
    expect(await groups.countMembers(group.id)).toBe(2);
    // the primary key itself refuses a duplicate, not only the repository
    const duplicate = await dataSource
      .createQueryBuilder()
      .insert()
      .into(GroupMemberEntity)
      .values({ groupId: group.id, userId: u.id, role: 'member', joinedAt: now })
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(duplicate)).toBe(true);
  });

  it('allows one pending join request per user and group; a decided one no longer counts', async () => {
    const [owner, u] = [await newUser(), await newUser()];
    const [group, other] = [await newGroup(owner), await newGroup(owner)];
    const first = await joinRequest(group.id, u.id);
    await expect(joinRequest(group.id, u.id)).rejects.toMatchObject({ code: ErrorCode.GroupJoinRequestExists });
    const concurrent = await Promise.allSettled([joinRequest(other.id, u.id), joinRequest(other.id, u.id)]);
    expect(concurrent.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await groups.pendingJoinRequests(group.id)).map((r) => r.id)).toEqual([first.id]);
    expect(await groups.decideJoinRequest(first, 'rejected', now)).toBe(true);
    await expect(joinRequest(group.id, u.id)).resolves.toMatchObject({ status: 'pending' });
  });

  it('approves a join request once under concurrency and adds the member in the same transaction', async () => {
    const [owner, u] = [await newUser(), await newUser()];
    const group = await newGroup(owner);
    const request = await joinRequest(group.id, u.id);
    const outcomes = await Promise.all([
      groups.decideJoinRequest(request, 'approved', now),
      groups.decideJoinRequest(request, 'approved', now),
      groups.decideJoinRequest(request, 'rejected', now),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const decided = await groups.findJoinRequest(request.id);
    expect(decided?.decidedAt).toBe(now);
    expect(await groups.isMember(group.id, u.id)).toBe(decided?.status === 'approved');
    expect(await groups.countMembers(group.id)).toBe(decided?.status === 'approved' ? 2 : 1);
    expect(await groups.pendingJoinRequests(group.id)).toEqual([]);
  });

  it('settles a pending join request when the applicant is added directly', async () => {
    const [owner, u] = [await newUser(), await newUser()];
    const group = await newGroup(owner);
    const request = await joinRequest(group.id, u.id);
    expect(await groups.addMember(group.id, u.id, 'member', now)).toBe(true);
    expect((await groups.findJoinRequest(request.id))?.status).toBe('approved');
    expect(await groups.decideJoinRequest(request, 'approved', now)).toBe(false);
  });

  it('removes members but never the owner, and changes roles', async () => {
    const [owner, a, b] = [await newUser(), await newUser(), await newUser()];
    const group = await newGroup(owner);
    await groups.addMember(group.id, a.id, 'member', now);
    await groups.addMember(group.id, b.id, 'member', now);
    expect(await groups.setRole(group.id, a.id, 'admin')).toBe(true);
    expect(await groups.role(group.id, a.id)).toBe('admin');
    expect(await groups.setRole(group.id, owner.id, 'member')).toBe(false);
    expect(await groups.removeMember(group.id, owner.id)).toBe(false);
    expect(await groups.removeMember(group.id, b.id)).toBe(true);
    expect(await groups.removeMember(group.id, b.id)).toBe(false);
    expect(await groups.isMember(group.id, b.id)).toBe(false);
    expect(await groups.groupIdsOf(b.id)).toEqual([]);
    expect((await groups.members(group.id)).map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [owner.id, 'owner'],
        [a.id, 'admin'],
      ].sort(),
    );
  });

  it('transfers ownership only from the owner to a member; the old owner stays as admin', async () => {
    const [owner, a, outsider] = [await newUser(), await newUser(), await newUser()];
    const group = await newGroup(owner);
    await groups.addMember(group.id, a.id, 'member', now);
    expect(await groups.transferOwnership(group.id, owner.id, outsider.id)).toBe(false);
    expect(await groups.transferOwnership(group.id, a.id, owner.id)).toBe(false);
    expect((await groups.findActiveGroup(group.id))?.ownerId).toBe(owner.id);
    expect(await groups.role(group.id, owner.id)).toBe('owner');
    expect(await groups.transferOwnership(group.id, owner.id, a.id)).toBe(true);
    expect((await groups.findActiveGroup(group.id))?.ownerId).toBe(a.id);
    expect(await groups.role(group.id, a.id)).toBe('owner');
    expect(await groups.role(group.id, owner.id)).toBe('admin');
  });

  it('dissolves: members and pending requests are cleaned up, and nothing can join afterwards', async () => {
    const [owner, a, applicant, late] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = await newGroup(owner);
    await groups.addMember(group.id, a.id, 'member', now);
    const pending = await joinRequest(group.id, applicant.id);
    const lateRequest = await joinRequest(group.id, late.id);
    const [removed] = await Promise.all([
      groups.dissolve(group.id, now),
      groups.addMember(group.id, late.id, 'member', now).catch((e: unknown) => e),
    ]);
    expect(removed).toEqual(expect.arrayContaining([owner.id, a.id]));
    expect(await groups.dissolve(group.id, now)).toBeNull();
    expect(await groups.findActiveGroup(group.id)).toBeNull();
    expect((await groups.findGroup(group.id))?.dissolvedAt).toBe(now);
    expect(await groups.memberIds(group.id)).toEqual([]);
    expect(await groups.groupIdsOf(owner.id)).toEqual([]);
    expect(await groups.groupsOf(a.id)).toEqual([]);
    expect(await groups.pendingJoinRequests(group.id)).toEqual([]);
    expect((await groups.findJoinRequest(pending.id))?.status).toBe('rejected');
    expect(await groups.decideJoinRequest(pending, 'approved', now)).toBe(false);
    expect(await groups.decideJoinRequest(lateRequest, 'approved', now)).toBe(false);
    await expect(groups.addMember(group.id, applicant.id, 'member', now)).rejects.toMatchObject({
      code: ErrorCode.GroupNotFound,
    });
    expect(await groups.rename(group.id, 'zombie')).toBe(false);
    expect(await groups.transferOwnership(group.id, owner.id, a.id)).toBe(false);
    expect(await groups.isMember(group.id, late.id)).toBe(false);
  });
  it('cascades a deleted group row to its members and join requests (foreign keys on both engines)', async () => {
    const [owner, applicant] = [await newUser(), await newUser()];
    const group = await newGroup(owner);
    const request = await joinRequest(group.id, applicant.id);
    await dataSource.createQueryBuilder().delete().from(GroupEntity).where('id = :id', { id: group.id }).execute();
    expect(await groups.memberIds(group.id)).toEqual([]);
    expect(await groups.findJoinRequest(request.id)).toBeNull();
    // and a membership cannot point at a group that does not exist
    const orphan = (await dataSource
      .createQueryBuilder()
      .insert()
      .into(GroupMemberEntity)
      .values({ groupId: group.id, userId: owner.id, role: 'member', joinedAt: now })
      .execute()
      .catch((e: unknown) => e)) as { driverError?: { code?: string } };
    expect(orphan.driverError?.code).toMatch(/^(23503|SQLITE_CONSTRAINT_FOREIGNKEY)$/);
  });

  it('moves a read watermark forward only', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const conversationId = `d:${a.id}:${b.id}`;
    const [m1, m2, m3] = [newTimeOrderedId(), newTimeOrderedId(), newTimeOrderedId()];
    expect(await reads.watermark(a.id, conversationId)).toBeNull();
    expect(await reads.advance(a.id, conversationId, m2, now)).toEqual({ advanced: true, messageId: m2 });
    expect(await reads.advance(a.id, conversationId, m1, now)).toEqual({ advanced: false, messageId: m2 });
    expect(await reads.advance(a.id, conversationId, m2, now)).toEqual({ advanced: false, messageId: m2 });
    expect(await reads.watermark(a.id, conversationId)).toBe(m2);
    expect(await reads.advance(a.id, conversationId, m3, now)).toEqual({ advanced: true, messageId: m3 });
    expect(await reads.watermark(a.id, conversationId)).toBe(m3);
    expect(await reads.watermark(b.id, conversationId)).toBeNull();
  });

  it('keeps the newest read watermark under concurrent updates', async () => {
    const a = await newUser();
    const conversationId = `g:${newTimeOrderedId()}`;
    const ids = Array.from({ length: 20 }, () => newTimeOrderedId());
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    const results = await Promise.all(shuffled.map((id) => reads.advance(a.id, conversationId, id, now)));
    expect(await reads.watermark(a.id, conversationId)).toBe(ids[ids.length - 1]);
    // whoever wrote the newest id moved it; nobody moved it past that
    expect(results.filter((r) => r.advanced && r.messageId === ids[ids.length - 1])).toHaveLength(1);
  });

  it('counts the readers at or past a message, members only for a group, without the caller', async () => {
    const [owner, m1, m2, outsider] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const groupId = newTimeOrderedId();
    await groups.createGroup({ id: groupId, name: 'reads', ownerId: owner.id, createdAt: now });
    await groups.addMember(groupId, m1.id, 'member', now);
    await groups.addMember(groupId, m2.id, 'member', now);
    const conversationId = `g:${groupId}`;
    const [early, late] = [newTimeOrderedId(), newTimeOrderedId()];
    await reads.advance(m1.id, conversationId, late, now);
    await reads.advance(m2.id, conversationId, early, now);
    await reads.advance(owner.id, conversationId, late, now);
    await reads.advance(outsider.id, conversationId, late, now);
    expect(await reads.countReaders(conversationId, early, owner.id, groupId)).toBe(2);
    expect(await reads.countReaders(conversationId, late, owner.id, groupId)).toBe(1);
    expect(await reads.countReaders(conversationId, late, m2.id, groupId)).toBe(2);
    expect(await reads.countReaders(conversationId, late, owner.id)).toBe(2);
    await groups.removeMember(groupId, m1.id);
    expect(await reads.countReaders(conversationId, late, owner.id, groupId)).toBe(0);
  });
}
