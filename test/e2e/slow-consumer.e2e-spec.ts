import { SocketRegistry } from '@app/push';
import { PushErrorCode, PushMessage } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { waitFor } from '@app/testing';
import { randomUUID } from 'node:crypto';
import type { Socket as NetSocket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Socket } from 'socket.io-client';
import { befriend, newUser, openSocket, RunningStandalone, startStandalone } from './standalone-harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

/**
 * Memory after a full collection: what the process really holds, not garbage waiting to be collected. The heap plus
 * external memory, since what a socket cannot write waits in Buffers outside the heap.
 */
function heldHeap(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * The client's TCP socket: paused, it stops reading, the kernel buffers fill, then the server has to hold what it
 * sends. Undefined once the client gave up on the connection itself (it hears no pings while paused).
 */
function tcpOf(socket: Socket): NetSocket | undefined {
  const engine = socket.io.engine as unknown as { transport?: { ws?: { _socket?: NetSocket } } } | undefined;
  return engine?.transport?.ws?._socket ?? undefined;
}

/**
 * Issue 10 item 3: sockets that stop reading used to keep everything sent to them in the server (20 paused sockets,
 * 5,000 × 4,000 characters: heap 62 → 491 MB). Now a socket over PUSH_SOCKET_MAX_QUEUED_BYTES is cut, memory stays
 * flat, a fast consumer keeps receiving, and the slow client gets every message exactly once when it reconnects.
 */
describe('slow consumers on the one-process server', () => {
  const PAUSED = 10;
  const MESSAGES_EACH = Number(process.env.SLOW_CONSUMER_MESSAGES ?? 2000);
  const FAST_EVERY = 5;
  const TEXT = 'x'.repeat(4000);
  let server: RunningStandalone;
  let sender: SwitchboardClient;
  let slow: SwitchboardClient;
  let fast: SwitchboardClient;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startStandalone({
      LOG_LEVEL: 'error',
      PUSH_SOCKET_MAX_QUEUED_BYTES: process.env.SLOW_CONSUMER_CAP ?? String(256 * 1024),
    });
    [sender, slow, fast] = [
      await newUser(server.baseUrl, 'snd'),
      await newUser(server.baseUrl, 'slow'),
      await newUser(server.baseUrl, 'fast'),
    ];
    await befriend(sender, slow);
    await befriend(sender, fast);
  }, 120_000);
  afterAll(async () => {
    sockets.forEach((s) => (tcpOf(s)?.resume(), s.disconnect()));
    [sender, slow, fast].forEach((c) => c?.disconnect());
    await server.destroy();
  }, 120_000);

  /** A send retried on a network error with the same clientMsgId (dedup makes it once): the box is heavily loaded. */
  async function send(to: string, body: string): Promise<void> {
    const clientMsgId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        await sender.sendToUser(to, body, clientMsgId);
        return;
      } catch (error) {
        if (!(error instanceof TypeError) || attempt === 5) throw error;
      }
    }
  }

  it('cuts paused sockets, keeps memory flat and fast consumers fed; the slow client then gets every message once', async () => {
    const paused = Array.from({ length: PAUSED }, () => openSocket(server.baseUrl, slow.http.token!));
    const quick = openSocket(server.baseUrl, fast.http.token!);
    for (const s of [...paused, quick]) sockets.push(s.socket);
    await waitFor(() => [...paused, quick].every((s) => s.isConnected()), 30_000, 'every socket connected');
    for (const s of paused) tcpOf(s.socket)!.pause();
    quick.socket.on('message', (m: PushMessage) => m.seq % 50 === 0 && quick.socket.emit('ack', { seq: m.seq }));

    const before = heldHeap();
    // held memory sampled while the load runs (an uncapped server frees its backlog only at the ~45 s ping timeout);
    // every SAMPLE_EVERY sends rather than on a timer: two full collections are costly on a busy machine
    const SAMPLE_EVERY = 250;
    let peak = before;
    let next = 0;
    const worker = async () => {
      while (next < MESSAGES_EACH) {
        const n = ++next;
        await send(slow.userId, TEXT);
        if (n % FAST_EVERY === 0) await send(fast.userId, TEXT);
        if (n % SAMPLE_EVERY === 0) peak = Math.max(peak, heldHeap());
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    // the fast consumer kept receiving while the paused ones were stuck (seq 1 of each is the friend request)
    const head = (await slow.inbox(0, 1)).headSeq;
    expect(head).toBe(MESSAGES_EACH + 1);
    const everySeq = (from: number, to = head) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const fastHead = MESSAGES_EACH / FAST_EVERY + 1;
    await waitFor(() => quick.messages.length >= fastHead, 60_000, 'the fast consumer got every message');
    const after = heldHeap();
    const sent = MESSAGES_EACH * TEXT.length * PAUSED;
    console.log(
      `slow consumers: ${PAUSED} paused sockets were sent ${(sent / MB).toFixed(0)} MB; server heap + external held ` +
        `${(before / MB).toFixed(0)} MB before, ${(peak / MB).toFixed(0)} MB at most during, ` +
        `${(after / MB).toFixed(0)} MB after`,
    );
    // generous: without the cap the server holds most of what it sends to paused sockets until the ping timeout
    expect(peak - before).toBeLessThan(16 * MB);
    expect(quick.messages.map((m) => m.seq)).toEqual(everySeq(1, fastHead));
    const registry = server.app.get(SocketRegistry);
    await waitFor(() => registry.socketsOf(slow.userId).size === 0, 30_000, 'every paused socket cut');

    // the slow client resumes: it reads what the kernel held, then finds itself cut
    const first = paused[0];
    tcpOf(first.socket)?.resume();
    await waitFor(() => first.socket.disconnected, 60_000, 'the cut seen by the resumed client');
    const held = new Set(first.messages.map((m) => m.seq));
    expect(held.size).toBe(first.messages.length);
    let lastSeq = 0;
    while (held.has(lastSeq + 1)) lastSeq++;
    expect(lastSeq).toBeLessThan(head);

    const again = openSocket(server.baseUrl, slow.http.token!, lastSeq);
    sockets.push(again.socket);
    await waitFor(() => again.isConnected(), 30_000, 'the slow client reconnected with its replay');
    const replayed = again.messages.map((m) => m.seq);
    expect(replayed).toEqual(everySeq(lastSeq + 1));
    expect([...first.messages, ...again.messages].filter((m) => m.body === TEXT)).toHaveLength(MESSAGES_EACH);
    // and it is a normal socket again: a new message arrives live
    await sender.sendToUser(slow.userId, 'after the storm');
    await waitFor(() => again.messages.some((m) => m.body === 'after the storm'), 30_000, 'a live message');
    expect(again.errors.filter((e) => e.code === PushErrorCode.SlowConsumer)).toEqual([]);
  }, 600_000);
});
