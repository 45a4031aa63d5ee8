import { SwitchboardApiError, SwitchboardClient } from '@switchboard/client';
import { PushMessage, WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

describe('1:1 messaging on the one-process server', () => {
  let server: RunningStandalone;
  const clients: SwitchboardClient[] = [];
  const user = async (prefix = 'u') => {
    const c = await newUser(server.baseUrl, prefix);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startStandalone();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.destroy();
  });

  const bodies = (messages: PushMessage[]) =>
    messages.filter((m) => m.type === WireType.FriendMessage).map((m) => m.body);

  it('delivers live, in order, to the recipient and to the sender’s other device', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await befriend(alice, bob);
    const aliceOtherDevice = new SwitchboardClient({ baseUrl: server.baseUrl, ackDelayMs: 10 });
    clients.push(aliceOtherDevice);
    await aliceOtherDevice.login(alice.session!.user.username, 'password-123');
    const [atBob, atAlice2] = [collect(bob), collect(aliceOtherDevice)];
    await bob.connect();
    await aliceOtherDevice.connect();
    for (let i = 0; i < 20; i++) await alice.sendToUser(bob.userId, `msg ${i}`);
    const expected = Array.from({ length: 20 }, (_, i) => `msg ${i}`);
    await waitFor(() => bodies(atBob).length === 20, EVENTUALLY_MS, 'bob receives 20');
    await waitFor(() => bodies(atAlice2).length === 20, EVENTUALLY_MS, 'alice’s other device receives 20');
    expect(bodies(atBob)).toEqual(expected);
    expect(bodies(atAlice2)).toEqual(expected);
    const first = atBob.find((m) => m.type === WireType.FriendMessage)!;
    expect(first).toMatchObject({
      senderId: alice.userId,
      receiverId: bob.userId,
      conversationId: expect.stringMatching(/^d:/),
      messageId: expect.any(String),
      createdAt: expect.any(String),
    });
  });

  it('delivers to every device of the recipient', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bob2 = new SwitchboardClient({ baseUrl: server.baseUrl });
    clients.push(bob2);
    await bob2.login(bob.session!.user.username, 'password-123');
    const [d1, d2] = [collect(bob), collect(bob2)];
    await Promise.all([bob.connect(), bob2.connect()]);
    await alice.sendToUser(bob.userId, 'to both');
    await waitFor(() => bodies(d1).length && bodies(d2).length, EVENTUALLY_MS, 'both devices receive');
    expect(bodies(d1)).toEqual(['to both']);
    expect(bodies(d2)).toEqual(['to both']);
  });

  it('replays exactly the missed messages on reconnect, in order, before live ones', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const seen = collect(bob);
    await bob.connect();
    await alice.sendToUser(bob.userId, 'online 1');
    await waitFor(() => bodies(seen).includes('online 1'));
    await waitFor(async () => (await bob.inbox(0)).watermark === bob.lastSeq, EVENTUALLY_MS, 'ack reaches the server');
    bob.disconnect();
    for (let i = 1; i <= 5; i++) await alice.sendToUser(bob.userId, `offline ${i}`);
    await bob.connect();
    await alice.sendToUser(bob.userId, 'live after reconnect');
    await waitFor(() => bodies(seen).includes('live after reconnect'));
    expect(bodies(seen)).toEqual([
      'online 1',
      'offline 1',
      'offline 2',
      'offline 3',
      'offline 4',
      'offline 5',
      'live after reconnect',
    ]);
    expect(new Set(seen.map((m) => m.seq)).size).toBe(seen.length);
  });

  it('resumes from a persisted lastSeq in a brand-new client', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    for (let i = 1; i <= 3; i++) await alice.sendToUser(bob.userId, `m${i}`);
    const page = await bob.inbox(0);
    const m2 = page.entries.find((e) => e.body === 'm2')!;
    const fresh = new SwitchboardClient({ baseUrl: server.baseUrl, lastSeq: m2.seq });
    clients.push(fresh);
    await fresh.login(bob.session!.user.username, 'password-123');
    const seen = collect(fresh);
    const connected = await fresh.connect();
    expect(connected).toMatchObject({ type: WireType.Connected, replayed: 1 });
    await waitFor(() => bodies(seen).length === 1);
    expect(bodies(seen)).toEqual(['m3']);
  });

  it('answers a retried send with the first answer and creates nothing new', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const first = await alice.sendToUser(bob.userId, 'once', 'retry-key-1');
    const again = await alice.sendToUser(bob.userId, 'once', 'retry-key-1');
    expect(again).toEqual(first);
    const inbox = await bob.inbox(0);
    expect(inbox.entries.filter((e) => e.type === WireType.FriendMessage).map((e) => e.messageId)).toEqual([
      first.messageId,
    ]);
    const history = await bob.history(first.conversationId);
    expect(history.items.map((m) => m.messageId)).toEqual([first.messageId]);
    // another sender may use the same clientMsgId
    const other = await bob.sendToUser(alice.userId, 'mine', 'retry-key-1');
    expect(other.messageId).not.toBe(first.messageId);
  });

  it('refuses strangers and blocked users with 403, and lifts the block on unblock', async () => {
    const [alice, bob, mallory] = [await user(), await user(), await user()];
    await befriend(alice, bob);
    await expect(mallory.sendToUser(alice.userId, 'hi')).rejects.toMatchObject({
      status: 403,
      body: { code: 'NOT_FRIENDS' },
    });
    await bob.block(alice.userId);
    await expect(alice.sendToUser(bob.userId, 'hi')).rejects.toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    await expect(bob.sendToUser(alice.userId, 'hi')).rejects.toMatchObject({ status: 403, body: { code: 'BLOCKED' } });
    await bob.unblock(alice.userId);
    await expect(alice.sendToUser(bob.userId, 'hi again')).resolves.toMatchObject({ messageId: expect.any(String) });
    await alice.unfriend(bob.userId);
    await expect(alice.sendToUser(bob.userId, 'after unfriend')).rejects.toMatchObject({ status: 403 });
  });

  it('shows history and search only for the caller’s own conversations', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    await befriend(alice, bob);
    await befriend(bob, carol);
    const word = `kumquat${Date.now()}`;
    const ab = await alice.sendToUser(bob.userId, `alice says ${word}`);
    const bc = await bob.sendToUser(carol.userId, `bob tells carol ${word}`);
    await alice.sendToUser(bob.userId, 'second');
    const page1 = await alice.history(ab.conversationId, { limit: 1 });
    expect(page1.items.map((m) => m.body)).toEqual(['second']);
    const page2 = await alice.history(ab.conversationId, { limit: 1, before: page1.nextBefore });
    expect(page2.items.map((m) => m.body)).toEqual([`alice says ${word}`]);
    expect((await alice.search(word)).map((m) => m.messageId)).toEqual([ab.messageId]);
    expect((await bob.search(word)).map((m) => m.messageId).sort()).toEqual([ab.messageId, bc.messageId].sort());
    await expect(alice.history(bc.conversationId)).rejects.toMatchObject({ status: 404 });
    await expect(alice.search(word, bc.conversationId)).rejects.toMatchObject({ status: 404 });
    const conversations = await bob.conversations();
    expect(conversations.map((c) => c.conversationId).sort()).toEqual([ab.conversationId, bc.conversationId].sort());
    expect(conversations.find((c) => c.conversationId === ab.conversationId)).toMatchObject({
      peerId: alice.userId,
      lastMessage: { body: 'second' },
    });
  });

  it('pulls and acknowledges the inbox over REST', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const sent = [await alice.sendToUser(bob.userId, 'a'), await alice.sendToUser(bob.userId, 'b')];
    const page = await bob.inbox(0);
    const chat = page.entries.filter((e) => e.type === WireType.FriendMessage);
    expect(chat.map((e) => e.body)).toEqual(['a', 'b']);
    expect(page.pending).toEqual([]);
    expect(page.headSeq).toBe(chat[1].seq);
    expect(await bob.http.request('POST', '/inbox/ack', { seq: chat[0].seq })).toEqual({ watermark: chat[0].seq });
    expect((await bob.inbox(0)).entries.map((e) => e.messageId)).toEqual([sent[1].messageId]);
  });

  it('revokes the token on logout, for REST and for the push channel', async () => {
    const alice = await user();
    const token = alice.http.token!;
    await alice.logout();
    const stale = new SwitchboardClient({ baseUrl: server.baseUrl });
    stale.http.token = token;
    stale.session = alice.session;
    await expect(stale.http.request('GET', '/users/me')).rejects.toMatchObject({
      status: 401,
      body: { code: 'TOKEN_REVOKED' },
    });
    await expect(stale.connect()).rejects.toMatchObject({
      event: { type: WireType.ConnectionError, code: 'TOKEN_REVOKED' },
    });
    stale.disconnect();
  });

  it('ends the live push session of a token on logout, and only that one', async () => {
    const alice = await user();
    const otherDevice = new SwitchboardClient({ baseUrl: server.baseUrl });
    clients.push(otherDevice);
    await otherDevice.login(alice.session!.user.username, 'password-123');
    await Promise.all([alice.connect(), otherDevice.connect()]);
    const ended = new Promise((resolve) => alice.once('pushError', resolve));
    await alice.http.request('POST', '/auth/logout'); // not alice.logout(): that also disconnects locally
    await expect(ended).resolves.toMatchObject({ type: WireType.ConnectionError, code: 'TOKEN_REVOKED' });
    await waitFor(() => !alice.connected, EVENTUALLY_MS, 'socket closed');
    expect(otherDevice.connected).toBe(true);
  });

  it('keeps SDK ordering when pushes arrive out of order', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await bob.connect();
    const seen = collect(bob);
    await Promise.all(Array.from({ length: 30 }, (_, i) => alice.sendToUser(bob.userId, `c${i}`)));
    await waitFor(() => bodies(seen).length === 30, EVENTUALLY_MS);
    const seqs = seen.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(bob.duplicatesDropped).toBeGreaterThanOrEqual(0);
  });

  it('reports API errors as SwitchboardApiError with the JSON body', async () => {
    const alice = await user();
    const error = await alice.sendToUser('00000000-0000-7000-8000-000000000000', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardApiError);
    expect(error).toMatchObject({
      status: 404,
      body: { statusCode: 404, code: 'USER_NOT_FOUND', requestId: expect.any(String) },
    });
  });
});
