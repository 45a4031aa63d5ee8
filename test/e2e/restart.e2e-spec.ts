import { directConversationId, InboxPage, PushMessage, SendMessageResponse, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

/**
 * Durability of the one-process server: everything it acknowledged before a stop is there after a start on the same
 * data directory — accounts, tokens and revocations, the offline inbox, sequence counters, send dedup and history.
 */
describe('the one-process server across a restart', () => {
  let server: RunningStandalone;
  let alice: SwitchboardClient;
  let bob: SwitchboardClient;
  let revokedToken: string;
  let bobBefore: InboxPage;
  let atBob: PushMessage[];
  const sent: SendMessageResponse[] = [];
  const clientMsgIds = ['restart-1', 'restart-2', 'restart-3'];
  const word = `durable${Date.now()}`;
  const bodies = [`first ${word}`, 'second', 'third'];
  const clients: SwitchboardClient[] = [];
  const env = { LOG_LEVEL: 'error' };

  beforeAll(async () => {
    server = await startStandalone(env);
    [alice, bob] = [await newUser(server.baseUrl, 'alice'), await newUser(server.baseUrl, 'bob')];
    clients.push(alice, bob);
    await befriend(alice, bob);
    // bob takes his friend request notification and acknowledges it, then goes offline
    await bob.connect();
    await waitFor(
      async () => bob.lastSeq > 0 && (await bob.inbox(0)).watermark === bob.lastSeq,
      EVENTUALLY_MS,
      'bob acks the 203',
    );
    bob.disconnect();
    for (const [i, body] of bodies.entries()) sent.push(await alice.sendToUser(bob.userId, body, clientMsgIds[i]));
    bobBefore = await bob.inbox(bob.lastSeq);

    const carol = await newUser(server.baseUrl, 'carol');
    revokedToken = carol.http.token!;
    await carol.logout();

    const port = new URL(server.baseUrl).port;
    await server.stop();
    server = await startStandalone({ ...env, PORT: port }, server.dataDir);
    atBob = collect(bob);
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server?.destroy();
  });

  it('accepts access tokens issued before the restart and keeps the social graph', async () => {
    expect(await alice.http.request('GET', '/users/me')).toMatchObject({ id: alice.userId });
    expect((await bob.friends()).map((u) => u.id)).toEqual([alice.userId]);
  });

  it('keeps logged-out tokens revoked, for REST and for the push channel', async () => {
    const stale = new SwitchboardClient({ baseUrl: server.baseUrl });
    clients.push(stale);
    stale.http.token = revokedToken;
    await expect(stale.http.request('GET', '/users/me')).rejects.toMatchObject({
      status: 401,
      body: { code: 'TOKEN_REVOKED' },
    });
    stale.session = { ...alice.session!, accessToken: revokedToken };
    await expect(stale.connect()).rejects.toMatchObject({
      event: { type: WireType.ConnectionError, code: 'TOKEN_REVOKED' },
    });
  });

  it('replays exactly the messages sent while the recipient was offline, in order', async () => {
    expect(bobBefore.entries.map((e) => e.body)).toEqual(bodies);
    expect(await bob.connect()).toMatchObject({ type: WireType.Connected, replayed: 3, headSeq: bobBefore.headSeq });
    await waitFor(() => atBob.length === 3, EVENTUALLY_MS, 'bob receives the 3 messages');
    await sleep(200); // nothing more may follow
    expect(atBob.map((m) => m.body)).toEqual(bodies);
    expect(atBob.map((m) => m.messageId)).toEqual(sent.map((s) => s.messageId));
    expect(atBob.map((m) => m.seq)).toEqual(bobBefore.entries.map((e) => e.seq));
    expect(atBob.every((m) => m.type === WireType.FriendMessage && m.senderId === alice.userId)).toBe(true);
    await waitFor(
      async () => (await bob.inbox(0)).watermark === bobBefore.headSeq,
      EVENTUALLY_MS,
      'bob acks the replay',
    );
  });

  it('continues every inbox sequence instead of reusing numbers', async () => {
    const next = await alice.sendToUser(bob.userId, 'after the restart', 'restart-4');
    expect(next.seq).toBeGreaterThan(Math.max(...sent.map((s) => s.seq)));
    const live = await waitFor(
      () => atBob.find((m) => m.messageId === next.messageId),
      EVENTUALLY_MS,
      'bob receives the new message live',
    );
    expect(live.seq).toBe(bobBefore.headSeq + 1);
    expect(new Set(atBob.map((m) => m.messageId)).size).toBe(atBob.length);
  });

  it('answers a send retried across the restart with the original answer and creates nothing', async () => {
    const head = (await bob.inbox(0)).headSeq;
    expect(await alice.sendToUser(bob.userId, bodies[1], clientMsgIds[1])).toEqual(sent[1]);
    expect(await alice.sendToUser(bob.userId, 'a different text, same key', clientMsgIds[2])).toEqual(sent[2]);
    await sleep(200);
    expect((await bob.inbox(0)).headSeq).toBe(head);
    expect(atBob.map((m) => m.body)).toEqual([...bodies, 'after the restart']);
  });

  it('still finds the old messages in history and search', async () => {
    const conversationId = directConversationId(alice.userId, bob.userId);
    expect(sent.every((s) => s.conversationId === conversationId)).toBe(true);
    const history = await bob.history(conversationId);
    expect(history.items.map((m) => m.body)).toEqual(['after the restart', ...[...bodies].reverse()]);
    expect(history.items.slice(1).map((m) => m.messageId)).toEqual(sent.map((s) => s.messageId).reverse());
    expect((await alice.search(word)).map((m) => m.messageId)).toEqual([sent[0].messageId]);
    expect((await bob.conversations()).map((c) => c.conversationId)).toEqual([conversationId]);
  });

  it('stops with a client connected, and that client reconnects by itself and resumes', async () => {
    expect(bob.connected).toBe(true);
    const port = new URL(server.baseUrl).port;
    await server.stop(); // must not hang on the open socket (the test times out if it does)
    await waitFor(() => !bob.connected, EVENTUALLY_MS, 'bob notices the stop');
    server = await startStandalone({ ...env, PORT: port }, server.dataDir);
    await waitFor(() => bob.connected, EVENTUALLY_MS, 'bob reconnects');
    const next = await alice.sendToUser(bob.userId, 'after the second restart');
    await waitFor(() => atBob.find((m) => m.messageId === next.messageId), EVENTUALLY_MS, 'bob receives it live');
    expect(atBob.map((m) => m.body)).toEqual([...bodies, 'after the restart', 'after the second restart']);
  });
});
