import { PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

describe('accounts and the social graph on the one-process server', () => {
  let server: RunningStandalone;
  const clients: SwitchboardClient[] = [];
  const user = async (prefix = 's') => {
    const c = await newUser(server.baseUrl, prefix);
    clients.push(c);
    return c;
  };
  const pushOf = (seen: PushMessage[], type: WireType, requestId: string) =>
    waitFor(
      () => seen.find((m) => m.type === type && m.data?.requestId === requestId),
      EVENTUALLY_MS,
      `push ${type} for request ${requestId}`,
    );
  const ids = (users: { id: string }[]) => users.map((u) => u.id).sort();
  const MISSING_USER = '00000000-0000-7000-8000-000000000000';

  beforeAll(async () => {
    server = await startStandalone({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.destroy();
  });

  it('pushes 203 to a connected addressee and 205 to the requester on accept; both then list each other', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const [atAlice, atBob] = [collect(alice), collect(bob)];
    await Promise.all([alice.connect(), bob.connect()]);

    const { id } = await alice.requestFriend(bob.userId, 'hi, it’s alice');
    const received = await pushOf(atBob, WireType.FriendRequestReceived, id);
    expect(received).toMatchObject({
      senderId: alice.userId,
      receiverId: bob.userId,
      body: 'hi, it’s alice',
      data: { requestId: id, from: { id: alice.userId, username: alice.session!.user.username } },
    });

    const decided = await bob.acceptFriend(id);
    expect(decided).toMatchObject({ id, fromUserId: alice.userId, toUserId: bob.userId, status: 'accepted' });
    await pushOf(atAlice, WireType.FriendRequestAccepted, id);

    expect(ids(await alice.friends())).toEqual([bob.userId]);
    expect(ids(await bob.friends())).toEqual([alice.userId]);
    expect(await alice.friendRequests()).toEqual([]);
    expect(await bob.friendRequests()).toEqual([]);
  });

  it('keeps the 203 in the inbox of an offline addressee and replays it on connect', async () => {
    const [alice, bob] = [await user(), await user()];
    const { id } = await alice.requestFriend(bob.userId);
    const inbox = await bob.inbox(0);
    expect(inbox.entries).toEqual([
      expect.objectContaining({
        type: WireType.FriendRequestReceived,
        senderId: alice.userId,
        data: expect.objectContaining({ requestId: id, from: expect.objectContaining({ id: alice.userId }) }),
      }),
    ]);
    const seen = collect(bob);
    await expect(bob.connect()).resolves.toMatchObject({ replayed: 1 });
    await pushOf(seen, WireType.FriendRequestReceived, id);
  });

  it('refuses a second request while one is pending, either way (409), and lists pending requests both ways', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const { id } = await alice.requestFriend(bob.userId);
    await expect(alice.requestFriend(bob.userId)).rejects.toMatchObject({
      status: 409,
      body: { code: 'FRIEND_REQUEST_EXISTS' },
    });
    await expect(bob.requestFriend(alice.userId)).rejects.toMatchObject({
      status: 409,
      body: { code: 'FRIEND_REQUEST_EXISTS' },
    });
    const { id: fromCarol } = await carol.requestFriend(alice.userId, 'carol here');

    const atAlice = await alice.friendRequests();
    expect(atAlice).toHaveLength(2);
    expect(atAlice).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id,
          fromUserId: alice.userId,
          toUserId: bob.userId,
          status: 'pending',
          createdAt: expect.any(String),
        }),
        expect.objectContaining({
          id: fromCarol,
          fromUserId: carol.userId,
          toUserId: alice.userId,
          status: 'pending',
          message: 'carol here',
        }),
      ]),
    );
    expect((await bob.friendRequests()).map((r) => r.id)).toEqual([id]);
    expect((await carol.friendRequests()).map((r) => r.id)).toEqual([fromCarol]);
  });

  it('refuses a request to an existing friend, either way (409 ALREADY_FRIENDS)', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await expect(alice.requestFriend(bob.userId)).rejects.toMatchObject({
      status: 409,
      body: { code: 'ALREADY_FRIENDS' },
    });
    await expect(bob.requestFriend(alice.userId)).rejects.toMatchObject({
      status: 409,
      body: { code: 'ALREADY_FRIENDS' },
    });
  });

  it('tells the requester about a rejection (207) and refuses to decide a request twice (409)', async () => {
    const [alice, bob] = [await user(), await user()];
    const atAlice = collect(alice);
    await alice.connect();
    const { id } = await alice.requestFriend(bob.userId);
    expect(await bob.rejectFriend(id)).toMatchObject({ id, status: 'rejected' });
    await pushOf(atAlice, WireType.RequestRejected, id);
    await expect(bob.acceptFriend(id)).rejects.toMatchObject({
      status: 409,
      body: { code: 'FRIEND_REQUEST_NOT_PENDING' },
    });
    await expect(bob.rejectFriend(id)).rejects.toMatchObject({
      status: 409,
      body: { code: 'FRIEND_REQUEST_NOT_PENDING' },
    });
    expect(await alice.friends()).toEqual([]);
    expect(await bob.friendRequests()).toEqual([]);

    // a decided request no longer blocks a new one; an accepted one cannot be accepted again
    const { id: second } = await bob.requestFriend(alice.userId);
    await alice.acceptFriend(second);
    await expect(alice.acceptFriend(second)).rejects.toMatchObject({
      status: 409,
      body: { code: 'FRIEND_REQUEST_NOT_PENDING' },
    });
    await expect(alice.rejectFriend(second)).rejects.toMatchObject({ status: 409 });
    expect(ids(await alice.friends())).toEqual([bob.userId]);
  });

  it('lets exactly one of two racing decisions or crossing requests win', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const { id } = await alice.requestFriend(bob.userId);
    const decisions = await Promise.allSettled([bob.acceptFriend(id), bob.rejectFriend(id), bob.acceptFriend(id)]);
    expect(decisions.filter((d) => d.status === 'fulfilled')).toHaveLength(1);
    expect(
      decisions.filter((d) => d.status === 'rejected').map((d) => (d as PromiseRejectedResult).reason.status),
    ).toEqual([409, 409]);

    const crossing = await Promise.allSettled([alice.requestFriend(carol.userId), carol.requestFriend(alice.userId)]);
    expect(crossing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(crossing.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { status: 409, body: { code: 'FRIEND_REQUEST_EXISTS' } },
    });
  });

  it('lets only the addressee decide: anyone else gets 404', async () => {
    const [alice, bob, mallory] = [await user(), await user(), await user()];
    const { id } = await alice.requestFriend(bob.userId);
    await expect(mallory.acceptFriend(id)).rejects.toMatchObject({
      status: 404,
      body: { code: 'FRIEND_REQUEST_NOT_FOUND' },
    });
    await expect(mallory.rejectFriend(id)).rejects.toMatchObject({
      status: 404,
      body: { code: 'FRIEND_REQUEST_NOT_FOUND' },
    });
    await expect(alice.acceptFriend(id)).rejects.toMatchObject({
      status: 404,
      body: { code: 'FRIEND_REQUEST_NOT_FOUND' },
    });
    expect(await mallory.friends()).toEqual([]);
    expect(await alice.friends()).toEqual([]);
    expect((await bob.friendRequests()).map((r) => r.status)).toEqual(['pending']);
  });

  it('refuses a request to oneself (400) and to a user that does not exist (404)', async () => {
    const alice = await user();
    await expect(alice.requestFriend(alice.userId)).rejects.toMatchObject({
      status: 400,
      body: { code: 'CANNOT_TARGET_SELF' },
    });
    await expect(alice.requestFriend(MISSING_USER)).rejects.toMatchObject({
      status: 404,
      body: { code: 'USER_NOT_FOUND' },
    });
    expect(await alice.friendRequests()).toEqual([]);
  });

  it('refuses requests across a block in either direction (403) until unblocked', async () => {
    const [alice, bob] = [await user(), await user()];
    await bob.block(alice.userId);
    await expect(alice.requestFriend(bob.userId)).rejects.toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    await expect(bob.requestFriend(alice.userId)).rejects.toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    expect(await bob.inbox(0)).toMatchObject({ entries: [], headSeq: 0 });
    await bob.unblock(alice.userId);
    await expect(alice.requestFriend(bob.userId)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('does not let a pending request be accepted across a block the requester set afterwards (403)', async () => {
    const [alice, bob] = [await user(), await user()];
    const atAlice = collect(alice);
    await alice.connect();
    const { id } = await alice.requestFriend(bob.userId);
    await alice.block(bob.userId);
    await expect(bob.acceptFriend(id)).rejects.toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    expect(await alice.friends()).toEqual([]);
    expect(await bob.friends()).toEqual([]);
    await sleep(200);
    expect(atAlice.filter((m) => m.type === WireType.FriendRequestAccepted)).toEqual([]);
  });

  it('unfriends: the pair is gone from both lists and can no longer message (403)', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await alice.sendToUser(bob.userId, 'while friends');
    await bob.unfriend(alice.userId);
    expect(await alice.friends()).toEqual([]);
    expect(await bob.friends()).toEqual([]);
    await expect(alice.sendToUser(bob.userId, 'after')).rejects.toMatchObject({
      status: 403,
      body: { code: 'NOT_FRIENDS' },
    });
    await expect(bob.sendToUser(alice.userId, 'after')).rejects.toMatchObject({
      status: 403,
      body: { code: 'NOT_FRIENDS' },
    });
  });

  it('finds users by case-insensitive username prefix and answers /users/me', async () => {
    const tag = `Pfx${Date.now().toString(36)}`;
    const names = [`${tag}Alpha`, `${tag}alphabet`, `${tag}Beta`];
    const anon = new SwitchboardClient({ baseUrl: server.baseUrl });
    for (const name of names) await anon.register(name, 'password-123', name === names[0] ? 'Al' : undefined);
    const me = await anon.login(names[0], 'password-123');

    expect(await anon.http.request('GET', '/users/me')).toEqual({ id: me.user.id, username: names[0], nickname: 'Al' });
    const search = (q: string) => anon.http.request<{ username: string }[]>('GET', '/users', undefined, { search: q });
    expect((await search(`${tag}ALPHA`)).map((u) => u.username).sort()).toEqual([names[0], names[1]].sort());
    expect((await search(tag.toLowerCase())).map((u) => u.username).sort()).toEqual([...names].sort());
    expect(await search(`${tag}beta`)).toEqual([
      expect.objectContaining({ username: names[2], id: expect.any(String), nickname: names[2] }),
    ]);
    expect(await search(`${tag}%`)).toEqual([]); // LIKE wildcards are literal
    expect(await search(`${tag}gamma`)).toEqual([]);
    expect(JSON.stringify(await search(tag))).not.toMatch(/password/i);
  });

  it('refuses a username taken in another case (409) and bad credentials (401 INVALID_CREDENTIALS)', async () => {
    const anon = new SwitchboardClient({ baseUrl: server.baseUrl });
    const name = `Case${Date.now().toString(36)}`;
    await anon.register(name, 'password-123');
    await expect(anon.register(name.toUpperCase(), 'password-456')).rejects.toMatchObject({
      status: 409,
      body: { code: 'USERNAME_TAKEN' },
    });
    await expect(anon.register(name.toLowerCase(), 'password-456')).rejects.toMatchObject({
      status: 409,
      body: { code: 'USERNAME_TAKEN' },
    });
    await expect(anon.login(name, 'wrong-password')).rejects.toMatchObject({
      status: 401,
      body: { statusCode: 401, code: 'INVALID_CREDENTIALS' },
    });
    await expect(anon.login(`${name}nobody`, 'password-123')).rejects.toMatchObject({
      status: 401,
      body: { code: 'INVALID_CREDENTIALS' },
    });
    // login is case-insensitive on the name, and the original spelling is kept
    await expect(anon.login(name.toLowerCase(), 'password-123')).resolves.toMatchObject({ user: { username: name } });
  });
});
