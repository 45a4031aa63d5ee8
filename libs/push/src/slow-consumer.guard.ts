import { SwitchboardConfig } from '@app/config';
import { metrics } from '@app/platform';
import { PushErrorCode, WireType } from '@app/protocol';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter, once } from 'node:events';
import { SocketRegistry, PushSocket } from './socket-registry';

/** The engine.io internals read here: its write buffer (packets waiting for the transport) and, on WebSocket, ws. */
interface EngineConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'flush', listener: () => void): void;
  close(discard?: boolean): void;
}

const SWEEP_MS = 1000;
const DRAIN_POLL_MS = 250;
const queued = new WeakMap<object, { bytes: number }>();

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data && typeof (data as ArrayBufferLike).byteLength === 'number') return (data as ArrayBufferLike).byteLength;
  return 0;
}

/**
 * Bounded memory under slow consumers: a socket whose client stopped reading makes the server queue everything sent
 * to it (engine.io's write buffer, then ws's). Past `PUSH_SOCKET_MAX_QUEUED_BYTES` the socket is cut at once (not a
 * polite close, which would wait for that same buffer to drain) and nothing more is queued for it; the client
 * reconnects with its last seq and the inbox replays the rest, so nothing is lost. Checked before each push and by a
 * sweep (broadcasts such as typing and presence bypass the push path).
 */
@Injectable()
export class SlowConsumerGuard implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SlowConsumerGuard.name);
  private readonly maxBytes: number;
  private sweep?: NodeJS.Timeout;

  constructor(
    config: SwitchboardConfig,
    private readonly registry: SocketRegistry,
  ) {
    this.maxBytes = config.PUSH_SOCKET_MAX_QUEUED_BYTES;
  }

  onModuleInit(): void {
    if (!this.maxBytes) return;
    this.sweep = setInterval(() => {
      for (const socket of this.registry.all()) this.admit(socket);
    }, SWEEP_MS);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }

  /** Starts counting what engine.io buffers for this socket (a running total: no walk of the buffer per push). */
  watch(socket: PushSocket): void {
    const conn = socket.conn as unknown as EngineConnection;
    const counter = { bytes: 0 };
    for (const packet of conn.writeBuffer ?? []) counter.bytes += sizeOf(packet.data);
    queued.set(socket, counter);
    conn.on('packetCreate', (packet) => (counter.bytes += sizeOf(packet.data)));
    conn.on('flush', () => (counter.bytes = 0));
  }

  /** Bytes the server holds for this socket: engine.io's write buffer plus what ws has not handed to the kernel. */
  queuedBytes(socket: PushSocket): number {
    const conn = socket.conn as unknown as EngineConnection;
    return (queued.get(socket)?.bytes ?? 0) + (conn.transport?.socket?.bufferedAmount ?? 0);
  }

  /** False (and the socket is cut) when it is over the cap: push nothing more to it. */
  admit(socket: PushSocket): boolean {
    if (!this.maxBytes || !socket.connected) return socket.connected;
    const bytes = this.queuedBytes(socket);
    if (bytes <= this.maxBytes) return true;
    return this.dropSlow(socket);
  }

  /** True when the server holds over half the cap for this socket: a writer that can wait should (see `room`). */
  isFilling(socket: PushSocket): boolean {
    return this.maxBytes > 0 && this.queuedBytes(socket) > this.maxBytes / 2;
  }

  /**
   * Waits until the socket holds at most half the cap, so that a writer that paces itself (the inbox replay) never
   * reaches it. False when the socket is gone, or when it read nothing for `withinMs` (then it is cut).
   */
  async room(socket: PushSocket, withinMs: number): Promise<boolean> {
    const conn = socket.conn as unknown as EventEmitter;
    const until = Date.now() + withinMs;
    while (socket.connected && this.isFilling(socket)) {
      const left = until - Date.now();
      if (left <= 0) return this.dropSlow(socket);
      // engine.io says 'drain' once ws has handed its writes to the kernel; the timeout covers what it does not say
      await once(conn, 'drain', { signal: AbortSignal.timeout(Math.min(left, DRAIN_POLL_MS)) }).catch(() => undefined);
    }
    return socket.connected;
  }

  private dropSlow(socket: PushSocket): false {
    this.logger.warn(
      { userId: socket.data.user?.userId, bytes: this.queuedBytes(socket) },
      'slow consumer dropped; its inbox serves it later',
    );
    metrics.slowConsumerDrops.inc();
    this.cut(socket);
    return false;
  }

  private cut(socket: PushSocket): void {
    const conn = socket.conn as unknown as EngineConnection;
    const ws = conn.transport?.name === 'websocket' ? conn.transport.socket : undefined;
    // the error event cannot reach a client that does not read; it is for one that resumes before the cut lands
    socket.emit('error', {
      type: WireType.ConnectionError,
      code: PushErrorCode.SlowConsumer,
      message: 'this connection fell too far behind; reconnect with your last seq',
    });
    if (ws?.terminate) ws.terminate();
    else conn.close(true);
  }
}
