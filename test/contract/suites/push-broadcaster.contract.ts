import { PushBroadcaster } from '@app/core';
import { pushRooms } from '@app/transport';
import {
  NoticeEvent,
  PresenceEvent,
  PushErrorCode,
  PushErrorEvent,
  ServerToClientEvents,
  TypingEvent,
  WireType,
} from '@app/protocol';
import { freePort, EVENTUALLY_MS, waitFor } from '@app/testing';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io, Socket } from 'socket.io-client';

export interface PushBroadcasterHarness {
  /** Adapts the socket.io server the test's sockets are on (e.g. adds the Redis adapter) before any connects. */
  prepare(server: Server): Promise<void>;
  /** The broadcaster under test, reaching that server. */
  create(server: Server): Promise<PushBroadcaster>;
  close(): Promise<void>;
}

/**
 * Every PushBroadcaster: typing reaches only the named users' sockets, a notice reaches every socket, ending a session
 * disconnects exactly that token's sockets, and so does kicking it (with 211). Sockets join `user:{id}` and `token:{jti}` as on a push node.
 */
export function pushBroadcasterContract(harness: PushBroadcasterHarness): void {
  let server: Server;
  let broadcaster: PushBroadcaster;
  let url: string;
  const sockets: Socket<ServerToClientEvents>[] = [];

  const connect = async (userId: string, tokenId: string) => {
    const socket: Socket<ServerToClientEvents> = io(url, {
      transports: ['websocket'],
      auth: { userId, tokenId },
      reconnection: false,
    });
    sockets.push(socket);
    const seen = {
      typing: [] as TypingEvent[],
      notice: [] as NoticeEvent[],
      error: [] as PushErrorEvent[],
      presence: [] as PresenceEvent[],
    };
    socket.on('presence', (e) => seen.presence.push(e));
    socket.on('typing', (e) => seen.typing.push(e));
    socket.on('notice', (e) => seen.notice.push(e));
    socket.on('error', (e) => seen.error.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connected', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, seen };
  };
  const quiet = () => new Promise((r) => setTimeout(r, 150));

  beforeAll(async () => {
    const http = createServer();
    server = new Server(http);
    await harness.prepare(server);
    server.on('connection', async (socket) => {
      const { userId, tokenId } = socket.handshake.auth as { userId: string; tokenId: string };
      await socket.join([pushRooms.user(userId), pushRooms.token(tokenId)]);
      socket.emit('connected', { type: WireType.Connected, nodeId: 'test', headSeq: 0, replayed: 0 });
    });
    const port = await freePort();
    await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
    url = `http://127.0.0.1:${port}`;
    broadcaster = await harness.create(server);
    // over Redis, a broadcast reaches the server only once the adapter's subscription is in place, which the adapter
    // sets up in the background: a broadcast sent earlier is lost. Wait until one gets through before the tests count.
    const probe = await connect('ready-probe', 'ready-probe');
    const ping: TypingEvent = { type: WireType.Typing, conversationId: 'd:probe:ready-probe', userId: 'probe' };
    await waitFor(
      async () => {
        if (probe.seen.typing.length) return true;
        await broadcaster.typing(['ready-probe'], ping);
        await new Promise((r) => setTimeout(r, 100));
        return probe.seen.typing.length > 0;
      },
      EVENTUALLY_MS,
      'a broadcast gets through to the server',
    );
    probe.socket.disconnect();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await new Promise((r) => server.close(() => r(undefined)));
    await harness.close();
  });

  it('sends typing to the named users only, each of their sockets', async () => {
    const [bobPhone, bobLaptop, carol, dave] = [
      await connect('bob', 't1'),
      await connect('bob', 't2'),
      await connect('carol', 't3'),
      await connect('dave', 't4'),
    ];
    const event: TypingEvent = { type: WireType.Typing, conversationId: 'g:x', userId: 'alice', groupId: 'x' };
    await broadcaster.typing(['bob', 'carol'], event);
    for (const c of [bobPhone, bobLaptop, carol])
      await waitFor(() => c.seen.typing.length === 1, EVENTUALLY_MS, 'typing');
    expect(carol.seen.typing[0]).toEqual(event);
    await broadcaster.typing([], event);
    await quiet();
    expect(dave.seen.typing).toEqual([]);
    expect(bobPhone.seen.typing).toHaveLength(1);
  });

  it('sends a notice to every socket', async () => {
    const [a, b] = [await connect('erin', 't5'), await connect('frank', 't6')];
    const notice: NoticeEvent = {
      type: WireType.SystemNotice,
      noticeId: 'n1',
      body: 'maintenance',
      createdAt: new Date().toISOString(),
    };
    await broadcaster.broadcastNotice(notice);
    for (const c of [a, b]) await waitFor(() => c.seen.notice.length > 0, EVENTUALLY_MS, 'notice');
    expect(a.seen.notice.at(-1)).toEqual(notice);
  });

  it('ends the sessions of one token only', async () => {
    const [kept, ended] = [await connect('gina', 't7'), await connect('gina', 't8')];
    await broadcaster.endSession('t8', 'logged out');
    await waitFor(() => !ended.socket.connected, EVENTUALLY_MS, 'session ended');
    expect(ended.seen.error[0]).toMatchObject({ type: WireType.ConnectionError, message: 'logged out' });
    await quiet();
    expect(kept.socket.connected).toBe(true);
  });

  it('kicks the sessions of one token only, with 211 SESSION_REPLACED', async () => {
    const [kept, kicked] = [await connect('hank', 't9'), await connect('hank', 't10')];
    await broadcaster.kickSession('t10', 'logged in elsewhere');
    await waitFor(() => !kicked.socket.connected, EVENTUALLY_MS, 'session kicked');
    expect(kicked.seen.error[0]).toEqual({
      type: WireType.Kicked,
      code: PushErrorCode.SessionReplaced,
      message: 'logged in elsewhere',
    });
    await quiet();
    expect(kept.socket.connected).toBe(true);
    expect(kept.seen.error).toEqual([]);
  });

  it('sends presence to the named users only, each of their sockets', async () => {
    const [ivyPhone, ivyLaptop, jack, kate] = [
      await connect('ivy', 't11'),
      await connect('ivy', 't12'),
      await connect('jack', 't13'),
      await connect('kate', 't14'),
    ];
    const event: PresenceEvent = { type: WireType.Presence, data: { userId: 'lena', online: true } };
    await broadcaster.presence(['ivy', 'jack'], event);
    for (const c of [ivyPhone, ivyLaptop, jack])
      await waitFor(() => c.seen.presence.length === 1, EVENTUALLY_MS, 'presence');
    expect(jack.seen.presence[0]).toEqual(event);
    await broadcaster.presence([], event);
    await quiet();
    expect(kate.seen.presence).toEqual([]);
    expect(ivyPhone.seen.presence).toHaveLength(1);
  });
}
