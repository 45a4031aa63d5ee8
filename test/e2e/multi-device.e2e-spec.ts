import { PushErrorCode, PushErrorEvent, WireType, type DevicePlatform } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { newUser, RunningStandalone, startStandalone } from './standalone-harness';

/** The multi-device policy (MULTI_DEVICE_POLICY) on the one-process server, one server per policy. */
describe('multi-device policy on the one-process server', () => {
  const clients: SwitchboardClient[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  /** Another device of the same user: a fresh client logged in with the same credentials. */
  const device = async (server: RunningStandalone, of: SwitchboardClient, platform?: DevicePlatform) => {
    const client = new SwitchboardClient({ baseUrl: server.baseUrl, ackDelayMs: 10, gapWaitMs: 50 });
    clients.push(client);
    await client.login(of.session!.user.username, 'password-123', { platform });
    return client;
  };
  /** A connected device that records its kicks and disconnects. */
  const online = async (client: SwitchboardClient) => {
    const seen = { kicked: [] as PushErrorEvent[], errors: [] as PushErrorEvent[], disconnects: 0 };
    client.on('kicked', (e) => seen.kicked.push(e));
    client.on('pushError', (e) => seen.errors.push(e));
    client.on('disconnected', () => seen.disconnects++);
    await client.connect();
    return seen;
  };
  const me = (client: SwitchboardClient) => client.http.request<{ id: string }>('GET', '/users/me');
  const expectKicked = async (client: SwitchboardClient, seen: Awaited<ReturnType<typeof online>>) => {
    await waitFor(() => seen.kicked.length === 1 && !client.connected, EVENTUALLY_MS, 'kicked');
    expect(seen.kicked[0]).toMatchObject({ type: WireType.Kicked, code: PushErrorCode.SessionReplaced });
    expect(seen.kicked[0].message).toEqual(expect.any(String));
    await expect(me(client)).rejects.toMatchObject({ status: 401 });
  };
  const expectKept = async (client: SwitchboardClient, seen: Awaited<ReturnType<typeof online>>) => {
    expect(client.connected).toBe(true);
    expect(seen.kicked).toEqual([]);
    expect(seen.disconnects).toBe(0);
    await expect(me(client)).resolves.toMatchObject({ id: client.userId });
  };

  describe('single', () => {
    let server: RunningStandalone;
    beforeAll(async () => {
      server = await startStandalone({ LOG_LEVEL: 'error', MULTI_DEVICE_POLICY: 'single' });
    });
    afterAll(() => server.destroy());

    it('a second login kicks the first device live (211 SESSION_REPLACED), revokes its token, and it stays away', async () => {
      const first = await newUser(server.baseUrl, 'single');
      clients.push(first);
      const seen = await online(first);
      const second = await device(server, first, 'ios');
      await expectKicked(first, seen);
      // kicked, not dropped: the SDK does not reconnect with the revoked token
      await sleep(1200);
      expect(first.connected).toBe(false);
      expect(seen.disconnects).toBe(1);
      // the new device works
      const seenSecond = await online(second);
      await expect(me(second)).resolves.toMatchObject({ id: first.userId });
      // and a third login replaces it in turn, whatever the platform
      const third = await device(server, first, 'ios');
      await expectKicked(second, seenSecond);
      await expect(me(third)).resolves.toMatchObject({ id: first.userId });
    });

    it('a kicked token cannot open a push connection again', async () => {
      const first = await newUser(server.baseUrl, 'single');
      clients.push(first);
      await device(server, first);
      await expect(first.connect()).rejects.toMatchObject({ event: { code: PushErrorCode.TokenRevoked } });
    });

    it('leaves other users alone', async () => {
      const [alice, bob] = [await newUser(server.baseUrl, 'single'), await newUser(server.baseUrl, 'single')];
      clients.push(alice, bob);
      const seenBob = await online(bob);
      await device(server, alice);
      await sleep(300);
      await expectKept(bob, seenBob);
    });
  });

  describe('per-platform', () => {
    let server: RunningStandalone;
    beforeAll(async () => {
      server = await startStandalone({ LOG_LEVEL: 'error', MULTI_DEVICE_POLICY: 'per-platform' });
    });
    afterAll(() => server.destroy());

    it('web and ios coexist; a second web login kicks the first web only', async () => {
      const account = await newUser(server.baseUrl, 'plat');
      clients.push(account);
      const web = await device(server, account, 'web');
      const ios = await device(server, account, 'ios');
      const [seenWeb, seenIos] = [await online(web), await online(ios)];
      await sleep(300);
      await expectKept(web, seenWeb);
      await expectKept(ios, seenIos);

      const web2 = await device(server, account, 'web');
      const seenWeb2 = await online(web2);
      await expectKicked(web, seenWeb);
      await sleep(300);
      await expectKept(ios, seenIos);
      await expectKept(web2, seenWeb2);
    });

    it('counts a login without a platform as `other`', async () => {
      const account = await newUser(server.baseUrl, 'plat'); // logged in without a platform
      clients.push(account);
      const seen = await online(account);
      const desktop = await device(server, account, 'desktop');
      await sleep(300);
      await expectKept(account, seen);
      const other = await device(server, account);
      await expectKicked(account, seen);
      await expect(me(desktop)).resolves.toMatchObject({ id: account.userId });
      await expect(me(other)).resolves.toMatchObject({ id: account.userId });
    });

    it('refuses an unknown platform (400)', async () => {
      const account = await newUser(server.baseUrl, 'plat');
      clients.push(account);
      await expect(
        account.http.request('POST', '/auth/login', {
          username: account.session!.user.username,
          password: 'password-123',
          platform: 'fridge',
        }),
      ).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('all (the default)', () => {
    let server: RunningStandalone;
    beforeAll(async () => {
      server = await startStandalone({ LOG_LEVEL: 'error' });
    });
    afterAll(() => server.destroy());

    it('keeps every session, even of the same platform', async () => {
      const account = await newUser(server.baseUrl, 'all');
      clients.push(account);
      const first = await device(server, account, 'web');
      const seenFirst = await online(first);
      const second = await device(server, account, 'web');
      const seenSecond = await online(second);
      await sleep(300);
      await expectKept(first, seenFirst);
      await expectKept(second, seenSecond);
    });

    it('logout still ends only its own session', async () => {
      const account = await newUser(server.baseUrl, 'all');
      clients.push(account);
      const other = await device(server, account, 'android');
      const seenOther = await online(other);
      await account.logout();
      await expect(me(account)).rejects.toMatchObject({ status: 401 });
      await sleep(300);
      await expectKept(other, seenOther);
    });
  });
});
