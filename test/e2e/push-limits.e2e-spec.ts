import { SocketRegistry } from '@app/push';
import { PushErrorCode } from '@app/protocol';
import { waitFor } from '@app/testing';
import { SwitchboardClient } from '@switchboard/client';
import { befriend, newUser, openSocket, RunningStandalone, startStandalone } from './standalone-harness';

type RawSocket = ReturnType<typeof openSocket>;

/**
 * Issue 10 item 3, the other bounds of the push channel: live sockets per user and per client address, and events per
 * socket (acks) per second. A refused socket gets a WS `error` with a code and is closed; the others are untouched.
 */
describe('push channel limits on the one-process server', () => {
  const PER_USER = 3;
  const PER_ADDRESS = 6;
  const EVENTS_PER_SECOND = 20;
  let server: RunningStandalone;
  let registry: SocketRegistry;
  let [a, b, c]: SwitchboardClient[] = [];
  let open: RawSocket[] = [];

  const connect = (client: SwitchboardClient) => {
    const s = openSocket(server.baseUrl, client.http.token!);
    open.push(s);
    return s;
  };
  const connected = async (...sockets: RawSocket[]) =>
    waitFor(() => sockets.every((s) => s.isConnected()), 30_000, 'sockets connected');
  const refused = async (s: RawSocket, code: PushErrorCode) => {
    await waitFor(() => s.socket.disconnected && s.errors.length > 0, 30_000, `refused with ${code}`);
    expect(s.errors.map((e) => e.code)).toEqual([code]);
    expect(s.isConnected()).toBe(false);
  };

  beforeAll(async () => {
    server = await startStandalone({
      LOG_LEVEL: 'error',
      PUSH_MAX_CONNECTIONS_PER_USER: String(PER_USER),
      PUSH_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
      PUSH_SOCKET_EVENTS_PER_SECOND: String(EVENTS_PER_SECOND),
    });
    registry = server.app.get(SocketRegistry);
    [a, b, c] = [
      await newUser(server.baseUrl, 'la'),
      await newUser(server.baseUrl, 'lb'),
      await newUser(server.baseUrl, 'lc'),
    ];
  }, 120_000);
  afterEach(async () => {
    open.forEach((s) => s.socket.disconnect());
    open = [];
    // the address count drops as the server sees each close
    await waitFor(() => registry.size === 0, 30_000, 'every socket closed on the server');
  });
  afterAll(async () => {
    [a, b, c].forEach((client) => client?.disconnect());
    await server.destroy();
  }, 120_000);

  it('refuses a socket past the per-user cap, and admits one again once a socket of that user closes', async () => {
    const first = Array.from({ length: PER_USER }, () => connect(a));
    await connected(...first);
    await refused(connect(a), PushErrorCode.TooManyConnections);
    // the user's other sockets are untouched, and another user still connects
    expect(first.every((s) => s.socket.connected)).toBe(true);
    await connected(connect(b));

    first[0].socket.disconnect();
    await waitFor(() => registry.socketsOf(a.userId).size === PER_USER - 1, 30_000, 'the close seen by the server');
    await connected(connect(a));
  }, 120_000);

  it('refuses a socket past the per-address cap, whoever it belongs to', async () => {
    const held = [...Array.from({ length: 3 }, () => connect(b)), ...Array.from({ length: 3 }, () => connect(c))];
    await connected(...held);
    // user a holds no socket at all: it is the address that is full
    await refused(connect(a), PushErrorCode.TooManyConnections);
    expect(held.every((s) => s.socket.connected)).toBe(true);
  }, 120_000);

  it('drops a burst of acks past the event rate with a RATE_LIMITED warning; the socket, the watermark and the server stay well', async () => {
    await befriend(b, a);
    for (let i = 0; i < 3; i++) await b.sendToUser(a.userId, `m${i}`);
    const head = (await a.inbox(0, 1)).headSeq;
    const s = connect(a);
    await connected(s);
    await waitFor(() => s.messages.some((m) => m.seq === head), 30_000, 'the replay');

    for (let i = 0; i < 1000; i++) s.socket.emit('ack', { seq: 1 });
    await waitFor(() => s.errors.length > 0, 30_000, 'a RATE_LIMITED warning');
    await waitFor(async () => (await a.inbox(0, 1)).watermark === 1, 30_000, 'the burst acked up to seq 1');
    // told once a second at most, not once per dropped event
    expect(s.errors.every((e) => e.code === PushErrorCode.RateLimited)).toBe(true);
    expect(s.errors.length).toBeLessThanOrEqual(3);
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    expect(s.socket.connected).toBe(true);

    // an ack within the rate is handled again (the window is a second): it moves the watermark to the head
    await new Promise((r) => setTimeout(r, 1100));
    s.socket.emit('ack', { seq: head });
    await waitFor(async () => (await a.inbox(0, 1)).watermark === head, 30_000, 'the watermark at the head');
  }, 120_000);
});
