import { DomainError, ErrorCode, newTimeOrderedId } from '@app/core';
import { dataSourceOptions, RelationalStoreConfig, SocialGraphRepository, UsersRepository } from '@app/persistence';
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
  const now = Date.now();

  const newUser = (username = `user_${newTimeOrderedId().slice(-12)}`) =>
    users.create({ id: newTimeOrderedId(), username, nickname: username, passwordHash: 'x', createdAt: now });

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(await harness.config())).initialize();
    users = new UsersRepository(dataSource);
    graph = new SocialGraphRepository(dataSource);
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
}
