import { FriendPresence, PresenceEvent, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { befriend, newUser, RunningStandalone, startStandalone } from './standalone-harness';

/** Friends' presence on the one-process server: 213 pushed live on change, and GET /friends/presence. */
describe('presence on the one-process server', () => {
  let server: RunningStandalone;
  const clients: SwitchboardClient[] = [];
  const user = async (prefix = 'pres') => {
    const c = await newUser(server.baseUrl, prefix);
    clients.push(c);
    return c;
  };
  const watch = (client: SwitchboardClient) => {
    const seen: PresenceEvent[] = [];
    client.on('presence', (e) => seen.push(e));
    return seen;
  };
  const about = (seen: PresenceEvent[], userId: string) => seen.filter((e) => e.data.userId === userId);
  const entry = (list: FriendPresence[], userId: string) => list.find((p) => p.userId === userId);

  beforeAll(async () => {
    server = await startStandalone({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.destroy();
  });

  it('pushes 213 online then offline (with last seen) to an online friend, and nothing to a non-friend', async () => {
    const [alice, bob, eve] = [await user(), await user(), await user()];
    await befriend(alice, bob);
    const [atBob, atEve] = [watch(bob), watch(eve)];
    await Promise.all([bob.connect(), eve.connect()]);

    await alice.connect();
    await waitFor(() => about(atBob, alice.userId).length === 1, EVENTUALLY_MS, 'online pushed');
    expect(about(atBob, alice.userId)[0]).toEqual({
      type: WireType.Presence,
      data: { userId: alice.userId, online: true },
    });

    const before = Date.now();
    alice.disconnect();
    await waitFor(() => about(atBob, alice.userId).length === 2, EVENTUALLY_MS, 'offline pushed');
    const offline = about(atBob, alice.userId)[1];
    expect(offline).toMatchObject({ type: WireType.Presence, data: { userId: alice.userId, online: false } });
    expect(Date.parse(offline.data.lastSeen!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(offline.data.lastSeen!)).toBeLessThanOrEqual(Date.now());

    await sleep(300);
    expect(about(atEve, alice.userId)).toEqual([]);
  });

  it('pushes only transitions: a second device of an online user changes nothing until the last one leaves', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const atBob = watch(bob);
    await bob.connect();
    const laptop = new SwitchboardClient({ baseUrl: server.baseUrl });
    clients.push(laptop);
    await laptop.login(alice.session!.user.username, 'password-123', { platform: 'desktop' });

    await alice.connect();
    await waitFor(() => about(atBob, alice.userId).length === 1, EVENTUALLY_MS, 'online pushed');
    await laptop.connect();
    alice.disconnect();
    await sleep(500);
    expect(about(atBob, alice.userId).map((e) => e.data.online)).toEqual([true]);
    laptop.disconnect();
    await waitFor(() => about(atBob, alice.userId).length === 2, EVENTUALLY_MS, 'offline pushed');
    expect(about(atBob, alice.userId)[1].data.online).toBe(false);
  });

  it('lists friends’ presence: online, offline with last seen, never seen without it; never non-friends', async () => {
    const [me, online, wasOnline, never, stranger] = [
      await user(),
      await user(),
      await user(),
      await user(),
      await user(),
    ];
    await befriend(me, online);
    await befriend(me, wasOnline);
    await befriend(never, me);
    await stranger.connect();
    await online.connect();
    await wasOnline.connect();
    wasOnline.disconnect();
    await waitFor(
      async () => entry(await me.friendsPresence(), wasOnline.userId)?.lastSeen !== undefined,
      EVENTUALLY_MS,
      'last seen recorded',
    );
    const list = await me.friendsPresence();
    expect(list).toHaveLength(3);
    expect(entry(list, online.userId)).toEqual({ userId: online.userId, online: true });
    expect(entry(list, wasOnline.userId)).toEqual({
      userId: wasOnline.userId,
      online: false,
      lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(entry(list, never.userId)).toEqual({ userId: never.userId, online: false });
    expect(entry(list, stranger.userId)).toBeUndefined();
    // someone without friends
    await expect(stranger.friendsPresence()).resolves.toEqual([]);
  });

  it('needs a token (401)', async () => {
    const anonymous = new SwitchboardClient({ baseUrl: server.baseUrl });
    await expect(anonymous.friendsPresence()).rejects.toMatchObject({ status: 401 });
  });
});
