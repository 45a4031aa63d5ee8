import { PushErrorCode, PushErrorEvent, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { SplitCluster } from './split-cluster';

/**
 * MULTI_DEVICE_POLICY=single on the split: the gateway revokes the older session and kicks it through
 * @socket.io/redis-emitter into the push nodes' redis adapter, so the node holding the socket ends it.
 */
describe('the split with MULTI_DEVICE_POLICY=single', () => {
  let cluster: SplitCluster;
  const clients: SwitchboardClient[] = [];
  let n = 0;

  beforeAll(async () => {
    cluster = await SplitCluster.start({ env: { MULTI_DEVICE_POLICY: 'single' } });
  }, 180_000);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await cluster?.stop();
  }, 60_000);

  const client = () => {
    const c = new SwitchboardClient({ baseUrl: cluster.gatewayUrl, ackDelayMs: 10, gapWaitMs: 100 });
    clients.push(c);
    return c;
  };
  async function account(): Promise<{ username: string; device: SwitchboardClient }> {
    const username = `splitmd${process.pid}_${++n}_${Date.now() % 100000}`;
    const device = client();
    await device.register(username, 'password-123');
    await device.login(username, 'password-123', { platform: 'web' });
    return { username, device };
  }

  it('kicks a device connected on a push node when the same user logs in again through the gateway', async () => {
    const alice = await account();
    // someone else on the other node, who must stay connected
    let bob = await account();
    for (let i = 0; i < 40 && bob.device.session!.node.id === alice.device.session!.node.id; i++) bob = await account();
    expect(bob.device.session!.node.id).not.toBe(alice.device.session!.node.id);

    const kicked: PushErrorEvent[] = [];
    let disconnects = 0;
    alice.device.on('kicked', (e) => kicked.push(e));
    alice.device.on('disconnected', () => disconnects++);
    await alice.device.connect();
    await bob.device.connect();

    const phone = client();
    await phone.login(alice.username, 'password-123', { platform: 'ios' });

    await waitFor(() => kicked.length === 1 && !alice.device.connected, EVENTUALLY_MS, 'kicked on the node');
    expect(kicked[0]).toMatchObject({ type: WireType.Kicked, code: PushErrorCode.SessionReplaced });
    await expect(alice.device.http.request('GET', '/users/me')).rejects.toMatchObject({ status: 401 });
    await sleep(1500);
    expect(alice.device.connected).toBe(false);
    expect(disconnects).toBe(1);

    // the new device connects and works; the other user was not touched
    await expect(phone.connect()).resolves.toMatchObject({ type: WireType.Connected });
    await expect(phone.http.request('GET', '/users/me')).resolves.toMatchObject({ id: phone.userId });
    expect(bob.device.connected).toBe(true);
  }, 60_000);
});
