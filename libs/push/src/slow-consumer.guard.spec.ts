import { SwitchboardConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { PushSocket, SocketRegistry } from './socket-registry';

function fakeSocket() {
  const ws = { bufferedAmount: 0, terminated: false, terminate: () => (ws.terminated = true) };
  const conn = Object.assign(new EventEmitter(), {
    writeBuffer: [] as { data?: unknown }[],
    transport: { name: 'websocket', socket: ws },
    close: () => undefined,
  });
  const emitted: unknown[] = [];
  const socket = {
    connected: true,
    conn,
    data: { user: { userId: 'u' } },
    emit: (_event: string, payload: unknown) => void emitted.push(payload),
  } as unknown as PushSocket;
  /** What engine.io does: a packet is created into the buffer; a flush hands the buffer to ws. */
  const queue = (data: string) => (conn.writeBuffer.push({ data }), conn.emit('packetCreate', { data }));
  const flush = () => (
    (ws.bufferedAmount += conn.writeBuffer.reduce((n, p) => n + String(p.data).length, 0)),
    (conn.writeBuffer = []),
    conn.emit('flush')
  );
  return { socket, ws, queue, flush, emitted };
}

describe('SlowConsumerGuard', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the drops it logs are the expected outcome here
  const config = (max: number) => Object.assign(new SwitchboardConfig(), { PUSH_SOCKET_MAX_QUEUED_BYTES: max });

  it('counts engine.io buffered bytes and ws buffered bytes, and admits up to the cap', () => {
    const guard = new SlowConsumerGuard(config(1000), new SocketRegistry());
    const s = fakeSocket();
    guard.watch(s.socket);
    s.queue('x'.repeat(600));
    expect(guard.queuedBytes(s.socket)).toBe(600);
    s.flush();
    s.queue('y'.repeat(400));
    expect(guard.queuedBytes(s.socket)).toBe(1000);
    expect(guard.admit(s.socket)).toBe(true);
    expect(s.ws.terminated).toBe(false);
  });

  it('cuts a socket over the cap at once and tells it why', () => {
    const guard = new SlowConsumerGuard(config(1000), new SocketRegistry());
    const s = fakeSocket();
    guard.watch(s.socket);
    s.queue('x'.repeat(1001));
    expect(guard.admit(s.socket)).toBe(false);
    expect(s.ws.terminated).toBe(true);
    expect(s.emitted).toEqual([expect.objectContaining({ type: 202, code: 'SLOW_CONSUMER' })]);
  });

  it('does nothing when the cap is 0', () => {
    const guard = new SlowConsumerGuard(config(0), new SocketRegistry());
    const s = fakeSocket();
    guard.watch(s.socket);
    s.queue('x'.repeat(10_000_000));
    expect(guard.admit(s.socket)).toBe(true);
  });

  it('lets a paced writer wait for room below half the cap, woken by the drain', async () => {
    const guard = new SlowConsumerGuard(config(1000), new SocketRegistry());
    const s = fakeSocket();
    guard.watch(s.socket);
    s.queue('x'.repeat(400));
    expect(guard.isFilling(s.socket)).toBe(false);
    s.queue('x'.repeat(400));
    expect(guard.isFilling(s.socket)).toBe(true);
    const waited = guard.room(s.socket, 60_000);
    // the client reads: engine.io hands the buffer to ws, ws to the kernel, then says 'drain'
    s.flush();
    s.ws.bufferedAmount = 0;
    s.socket.conn.emit('drain');
    await expect(waited).resolves.toBe(true);
    expect(s.ws.terminated).toBe(false);
  });

  it('cuts a paced socket that reads nothing within the wait', async () => {
    const guard = new SlowConsumerGuard(config(1000), new SocketRegistry());
    const s = fakeSocket();
    guard.watch(s.socket);
    s.queue('x'.repeat(600));
    await expect(guard.room(s.socket, 50)).resolves.toBe(false);
    expect(s.ws.terminated).toBe(true);
    expect(s.emitted).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER' })]);
  });
});
