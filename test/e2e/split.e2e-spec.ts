import { PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { befriend, chatBodies, collectMessages, SplitCluster } from './split-cluster';

/**
 * The split end to end (see docs/architecture.md, 'Two deployments, one codebase'): gateway, two push nodes,
 * message-dispatch and storage-worker as separate processes on PostgreSQL, Redis, RocketMQ and Elasticsearch —
 * including crashes mid-stream.
 */
const ADMIN = 'admin-token-for-the-split-e2e-0123456789';

describe('the split on real engines', () => {
  let cluster: SplitCluster;

  beforeAll(async () => {
    cluster = await SplitCluster.start({ env: { ADMIN_TOKEN: ADMIN } });
  }, 180_000);
  afterAll(() => cluster?.stop(), 60_000);

  const user = () => cluster.user();
  const userOn = (nodeId: string) => cluster.userOn(nodeId);

  it('lets users on different push nodes chat live, in order, and finds it in history and search', async () => {
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(cluster.nodeIds[1])];
    expect(alice.session!.node.url).not.toBe(bob.session!.node.url);
    await befriend(alice, bob);
    const seen = collectMessages(bob);
    await bob.connect();
    const word = `quokka${Date.now()}`;
    for (let i = 0; i < 10; i++) await alice.sendToUser(bob.userId, `${word} ${i}`);
    await waitFor(() => chatBodies(seen).length === 10, EVENTUALLY_MS, 'bob receives 10');
    expect(chatBodies(seen)).toEqual(Array.from({ length: 10 }, (_, i) => `${word} ${i}`));
    const conversationId = seen.find((m) => m.type === WireType.FriendMessage)!.conversationId!;
    await waitFor(
      async () => (await alice.history(conversationId)).items.length === 10,
      EVENTUALLY_MS,
      'history indexed',
    );
    await waitFor(async () => (await bob.search(word)).length === 10, EVENTUALLY_MS, 'search finds them');
  });

  it('fans a group message out to members on both nodes, live and through the inbox', async () => {
    const [owner, onA, onB, offline] = [
      await userOn(cluster.nodeIds[0]),
      await userOn(cluster.nodeIds[0]),
      await userOn(cluster.nodeIds[1]),
      await user(),
    ];
    const group = await owner.createGroup('split group');
    for (const member of [onA, onB, offline]) {
      await befriend(owner, member);
      await owner.invite(group.id, member.userId);
    }
    const [seenA, seenB] = [collectMessages(onA), collectMessages(onB)];
    await Promise.all([onA.connect(), onB.connect()]);
    for (let i = 0; i < 5; i++) await owner.sendToGroup(group.id, `to all ${i}`);
    const groupBodies = (messages: PushMessage[]) =>
      messages.filter((m) => m.type === WireType.GroupMessage).map((m) => m.body);
    const expected = Array.from({ length: 5 }, (_, i) => `to all ${i}`);
    await waitFor(
      () => groupBodies(seenA).length === 5 && groupBodies(seenB).length === 5,
      EVENTUALLY_MS,
      'both nodes deliver',
    );
    expect(groupBodies(seenA)).toEqual(expected);
    expect(groupBodies(seenB)).toEqual(expected);
    const seenOffline = collectMessages(offline);
    await offline.connect();
    await waitFor(() => groupBodies(seenOffline).length === 5, EVENTUALLY_MS, 'offline member replays');
    expect(groupBodies(seenOffline)).toEqual(expected);
    await waitFor(
      async () => (await offline.search('all')).filter((m) => m.groupId === group.id).length === 5,
      EVENTUALLY_MS,
      'group search',
    );
  });

  it('recalls, reports reads, relays typing and broadcasts notices across nodes', async () => {
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(cluster.nodeIds[1])];
    await befriend(alice, bob);
    const [atAlice, atBob] = [collectMessages(alice), collectMessages(bob)];
    const typing: unknown[] = [];
    const notices: unknown[] = [];
    bob.on('typing', (e) => typing.push(e));
    bob.on('notice', (e) => notices.push(e));
    await Promise.all([alice.connect(), bob.connect()]);

    const sent = await alice.sendToUser(bob.userId, 'oops, wrong chat');
    await waitFor(() => chatBodies(atBob).includes('oops, wrong chat'), EVENTUALLY_MS);
    await waitFor(async () => (await alice.history(sent.conversationId)).items.length === 1, EVENTUALLY_MS, 'indexed');
    await alice.recall(sent.messageId);
    await waitFor(
      () => atBob.some((m) => m.type === WireType.MessageRecalled && m.data?.messageId === sent.messageId),
      EVENTUALLY_MS,
      '208 on the other node',
    );
    expect((await bob.history(sent.conversationId)).items[0]).toMatchObject({
      messageId: sent.messageId,
      recalled: true,
      body: '',
    });

    const second = await alice.sendToUser(bob.userId, 'read me');
    // a receipt names a stored message of the conversation
    await waitFor(
      async () => (await bob.history(second.conversationId)).items.some((m) => m.messageId === second.messageId),
      15_000,
      'indexed',
    );
    await bob.markRead(second.conversationId, second.messageId);
    await waitFor(
      () => atAlice.some((m) => m.type === WireType.ReadReceipt && m.data?.messageId === second.messageId),
      EVENTUALLY_MS,
      '209 back to the sender',
    );
    expect(await alice.readCount(second.conversationId, second.messageId)).toBe(1);

    await alice.typing(second.conversationId);
    await waitFor(() => typing.length === 1, EVENTUALLY_MS, 'typing relayed through the Redis adapter');
    expect(typing[0]).toMatchObject({ conversationId: second.conversationId, userId: alice.userId });

    const res = await fetch(`${cluster.gatewayUrl}/api/v1/admin/notices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: { all: true }, body: 'maintenance at 02:00' }),
    });
    expect(res.status).toBeLessThan(300);
    await waitFor(() => notices.length === 1, EVENTUALLY_MS, 'notice to everyone online');
    expect(notices[0]).toMatchObject({ body: 'maintenance at 02:00' });
  });

  it('refuses a token on the wrong node and forwards /ws to the right one', async () => {
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(cluster.nodeIds[1])];
    const impostor = new SwitchboardClient({ baseUrl: cluster.gatewayUrl, autoMove: false });
    impostor.http.token = alice.http.token;
    impostor.session = { ...alice.session!, node: bob.session!.node };
    await expect(impostor.connect()).rejects.toMatchObject({ event: { code: 'TOKEN_WRONG_NODE' } });
    impostor.disconnect();
    // through the gateway's /ws entry, the token picks the node
    const { io } = await import('socket.io-client');
    const socket = io(cluster.gatewayUrl, {
      path: '/ws',
      query: { token: alice.http.token! },
      auth: { token: alice.http.token, lastSeq: 0 },
      transports: ['websocket'],
      reconnection: false,
    });
    const connected = await new Promise<{ nodeId: string }>((resolve, reject) => {
      socket.once('connected', resolve);
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    expect(connected.nodeId).toBe(alice.session!.node.id);
  });

  it('moves an SDK client told TOKEN_WRONG_NODE to the node its refreshed token names', async () => {
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(cluster.nodeIds[1])];
    await befriend(alice, bob);
    const moves: string[] = [];
    alice.on('moved', ({ from, to }) => moves.push(`${from.id} -> ${to.id}`));
    // as if the session had been handed out for the other node (e.g. the ring changed since)
    alice.useSession({ ...alice.session!, node: bob.session!.node });
    const seen = collectMessages(alice);
    expect(await alice.connect()).toMatchObject({ nodeId: cluster.nodeIds[0] });
    expect(moves).toEqual([`${cluster.nodeIds[1]} -> ${cluster.nodeIds[0]}`]);
    await bob.sendToUser(alice.userId, 'found you');
    await waitFor(() => chatBodies(seen).includes('found you'), EVENTUALLY_MS, 'delivered after the move');
  });

  it('ends a session on logout through the gateway, on the node that holds the socket', async () => {
    const alice = await userOn(cluster.nodeIds[1]);
    await alice.connect();
    const ended = new Promise((resolve) => alice.once('pushError', resolve));
    const socketGone = new Promise((resolve) => alice.once('disconnected', resolve));
    await alice.http.request('POST', '/auth/logout');
    await expect(ended).resolves.toMatchObject({ code: 'TOKEN_REVOKED' });
    await socketGone;
  });

  it('replays what an offline user missed when they reconnect', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    for (let i = 0; i < 5; i++) await alice.sendToUser(bob.userId, `while away ${i}`);
    const seen = collectMessages(bob);
    await bob.connect();
    await waitFor(() => chatBodies(seen).length === 5, EVENTUALLY_MS, 'replay');
    expect(chatBodies(seen)).toEqual(Array.from({ length: 5 }, (_, i) => `while away ${i}`));
  });

  it('loses nothing when a push node is SIGKILLed: its users log in again, land on the other node, and the inbox replays', async () => {
    const victim = cluster.nodeIds[1];
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(victim)];
    await befriend(alice, bob);
    const before = collectMessages(bob);
    await bob.connect();
    await alice.sendToUser(bob.userId, 'before the crash');
    await waitFor(() => chatBodies(before).includes('before the crash'), EVENTUALLY_MS);
    const lastSeq = bob.lastSeq;
    await waitFor(async () => (await bob.inbox(0)).watermark >= lastSeq, EVENTUALLY_MS, 'ack stored');

    await cluster.stopApp('netty-node-2', 'SIGKILL');
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await alice.sendToUser(bob.userId, `during the outage ${i}`));
    expect(sent.every((s) => s.messageId)).toBe(true);

    const again = await cluster.moveOff(bob, victim);
    const after = collectMessages(again);
    await again.connect();
    await waitFor(() => chatBodies(after).length === 5, EVENTUALLY_MS, 'replay on the surviving node');
    expect(chatBodies(after)).toEqual(Array.from({ length: 5 }, (_, i) => `during the outage ${i}`));
    expect(again.duplicatesDropped).toBe(0);
    await cluster.startApp('netty-node-2');
  }, 90_000);

  it('drains a push node on SIGTERM: it leaves the ring, and its SDK clients move to the live node by themselves; nothing lost or doubled', async () => {
    const draining = cluster.nodeIds[1];
    const [alice, bob] = [await userOn(cluster.nodeIds[0]), await userOn(draining)];
    await befriend(alice, bob);
    const errors: string[] = [];
    const moves: string[] = [];
    bob.on('pushError', (e) => errors.push(e.code));
    bob.on('moved', ({ from, to }) => moves.push(`${from.id} -> ${to.id}`));
    const seen = collectMessages(bob);
    await bob.connect();
    await alice.sendToUser(bob.userId, 'before the drain');
    await waitFor(() => chatBodies(seen).includes('before the drain'), EVENTUALLY_MS);

    const node = cluster.processes.get('netty-node-2')!;
    const exited = cluster.stopApp('netty-node-2', 'SIGTERM');
    await waitFor(() => errors.includes('NODE_DRAINING'), EVENTUALLY_MS, 'clients told to move');
    // sent while bob is between nodes: kept in his inbox, replayed after his lastSeq on the live node
    await alice.sendToUser(bob.userId, 'during the drain');
    await exited;
    // it exited by itself after the drain, not SIGKILLed by stopApp after its 15 s
    expect(node.signalCode).not.toBe('SIGKILL');
    await waitFor(() => bob.state === 'connected' && moves.length > 0, EVENTUALLY_MS, 'bob moved by himself');
    expect(moves).toEqual([`${draining} -> ${cluster.nodeIds[0]}`]);
    expect(bob.session!.node.id).toBe(cluster.nodeIds[0]);
    // the node left the ring before it went: a new login lands on the live node without waiting for NODE_TTL_MS
    expect((await cluster.device(bob).login(bob.username, bob.password)).node.id).toBe(cluster.nodeIds[0]);
    await alice.sendToUser(bob.userId, 'after the drain');
    await waitFor(() => chatBodies(seen).includes('after the drain'), EVENTUALLY_MS, 'delivered on the live node');
    await waitFor(async () => (await bob.inbox(0)).watermark >= bob.lastSeq, EVENTUALLY_MS, 'acked on the live node');
    expect(chatBodies(seen)).toEqual(['before the drain', 'during the drain', 'after the drain']);
    expect(new Set(seen.map((m) => m.seq)).size).toBe(seen.length);
    await cluster.startApp('netty-node-2');
  }, 90_000);

  it('stores a message sent while the storage-worker is down once it comes back', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await cluster.stopApp('storage-worker', 'SIGKILL');
    const sent = await alice.sendToUser(bob.userId, 'sent while the worker was down');
    const page = await bob.inbox(0);
    expect(page.pending.length + page.entries.filter((e) => e.messageId === sent.messageId).length).toBeGreaterThan(0);
    await cluster.startApp('storage-worker');
    await waitFor(
      async () => (await bob.inbox(0)).entries.some((e) => e.messageId === sent.messageId),
      30_000,
      'inbox written after restart',
    );
    await waitFor(
      async () => (await bob.history(sent.conversationId)).items.some((m) => m.messageId === sent.messageId),
      30_000,
      'history indexed after restart',
    );
  }, 90_000);

  it('answers 503, never 201, while message-dispatch is down, and recovers when it returns', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await cluster.stopApp('message-dispatch', 'SIGKILL');
    await expect(alice.sendToUser(bob.userId, 'nobody home', 'outage-1')).rejects.toMatchObject({
      status: 503,
      body: { code: 'DEPENDENCY_UNAVAILABLE' },
    });
    await cluster.startApp('message-dispatch');
    const ok = await alice.sendToUser(bob.userId, 'nobody home', 'outage-1');
    expect(ok.messageId).toEqual(expect.any(String));
    await waitFor(
      async () => (await bob.inbox(0)).entries.filter((e) => e.type === WireType.FriendMessage).length === 1,
      EVENTUALLY_MS,
    );
  }, 90_000);
});
