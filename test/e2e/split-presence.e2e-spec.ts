import { PresenceEvent, WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { SplitCluster } from './split-cluster';

/**
 * Presence on the split: the push node publishes the change to a Redis Stream, one gateway of the consumer group
 * handles it and pushes 213 through the redis emitter to the node holding the friend's socket.
 */
describe('presence on the split', () => {
  let cluster: SplitCluster;

  beforeAll(async () => {
    cluster = await SplitCluster.start({ gateways: 2 });
  }, 180_000);
  afterAll(() => cluster?.stop(), 60_000);

  it('pushes 213 online/offline across nodes, once, and lists last seen', async () => {
    const alice = await cluster.user('splitpres');
    const bob = await cluster.userOn(
      cluster.nodeIds.find((id) => id !== alice.session!.node.id)!,
      'splitpres',
    );
    expect(bob.session!.node.id).not.toBe(alice.session!.node.id);
    const { id } = await alice.requestFriend(bob.userId);
    await bob.acceptFriend(id);

    const seen: PresenceEvent[] = [];
    bob.on('presence', (e) => seen.push(e));
    await bob.connect();
    await alice.connect();
    await waitFor(() => seen.some((e) => e.data.userId === alice.userId && e.data.online), EVENTUALLY_MS, 'online');
    expect((await bob.friendsPresence()).find((p) => p.userId === alice.userId)).toEqual({
      userId: alice.userId,
      online: true,
    });

    alice.disconnect();
    await waitFor(() => seen.some((e) => e.data.userId === alice.userId && !e.data.online), EVENTUALLY_MS, 'offline');
    await new Promise((r) => setTimeout(r, 500));
    // two gateways consume the stream: each change was handled (pushed) once
    expect(seen.filter((e) => e.data.userId === alice.userId)).toEqual([
      { type: WireType.Presence, data: { userId: alice.userId, online: true } },
      { type: WireType.Presence, data: { userId: alice.userId, online: false, lastSeen: expect.any(String) } },
    ]);
    const listed = (await bob.friendsPresence()).find((p) => p.userId === alice.userId);
    expect(listed).toEqual({ userId: alice.userId, online: false, lastSeen: seen.at(-1)!.data.lastSeen });
  }, 60_000);
});
