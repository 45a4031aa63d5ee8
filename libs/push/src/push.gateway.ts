import { metrics } from '@app/platform';
import { PushErrorCode, ServerToClientEvents, ClientToServerEvents, WireType } from '@app/protocol';
import { pushRooms } from '@app/transport';
import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { AckCoalescer } from './ack-coalescer';
import { ConnectionLimits } from './connection-limits';
import { HandshakeVerifier, PushRefusal } from './handshake-verifier';
import { InboxReplayer } from './inbox-replayer';
import { NodeIdentity } from './node-identity';
import { RoutePresence } from './route-presence';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { SocketEventLimiter } from './socket-event-limiter';
import { PushSocket, PushSocketData, SocketRegistry } from './socket-registry';
import { releaseUpgradeRequest } from './upgrade-request';

const DRAINING_MESSAGE = 'this node is shutting down: log in again to get a live node';

/**
 * The client push channel (see docs/architecture.md, 'The client's interface'), in order: admission (draining, limits,
 * the handshake), the route, the replay after `lastSeq`, `connected`, then live messages; acks move the watermark.
 * Each step is its own service; this class only sequences them and refuses with a WS `error` code.
 */
@WebSocketGateway({
  path: '/socket.io',
  cors: { origin: true },
  pingInterval: 25_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 64 * 1024,
  // memory per connection: no per-socket deflate context (zlib keeps ~tens of KiB per socket), no polling compression
  perMessageDeflate: false,
  httpCompression: false,
})
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(PushGateway.name);
  private draining = false;

  @WebSocketServer()
  server: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PushSocketData>;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly handshakes: HandshakeVerifier,
    private readonly registry: SocketRegistry,
    private readonly limits: ConnectionLimits,
    private readonly slowConsumers: SlowConsumerGuard,
    private readonly eventLimiter: SocketEventLimiter,
    private readonly routes: RoutePresence,
    private readonly replayer: InboxReplayer,
    private readonly acks: AckCoalescer,
  ) {}

  /** Graceful drain, step 1: new connections are refused with NODE_DRAINING (their clients log in for a live node). */
  startDraining(): void {
    this.draining = true;
  }

  /** Graceful drain, step 2 (once the node left the ring): tells every client to move, and lets it go. */
  moveClients(): void {
    for (const socket of this.registry.all()) this.refuse(socket, PushErrorCode.NodeDraining, DRAINING_MESSAGE);
  }

  async handleConnection(socket: PushSocket): Promise<void> {
    if (this.draining) return this.refuse(socket, PushErrorCode.NodeDraining, DRAINING_MESSAGE);
    if (!this.limits.openFromAddress(socket)) {
      return this.refuse(socket, PushErrorCode.TooManyConnections, 'too many connections from this address');
    }
    this.eventLimiter.install(socket);
    // a plain listener, not @SubscribeMessage: Nest binds each handler of each socket through an rxjs chain (~3 KiB
    // held per connection) and runs each event through its async context (pipes, guards, filters); an ack needs none
    socket.on('ack', (body: unknown) => this.onAck(socket, body));
    let lastSeq: number;
    try {
      ({ user: socket.data.user, lastSeq } = await this.handshakes.verify(socket.handshake.auth));
    } catch (error) {
      if (error instanceof PushRefusal) return this.refuse(socket, error.code, error.message);
      throw error;
    }
    releaseUpgradeRequest(socket);
    if (!this.limits.allowUser(socket)) {
      return this.refuse(socket, PushErrorCode.TooManyConnections, 'too many connections for this user; close one');
    }
    this.replayer.holdBack(socket);
    this.slowConsumers.watch(socket);
    // rooms let any process address this socket through the adapter (end a session, notices)
    void socket.join([pushRooms.user(socket.data.user.userId), pushRooms.token(socket.data.user.tokenId)]);
    this.registry.add(socket);
    metrics.connections.set(this.registry.size);
    try {
      await this.routes.connected(socket);
      const { replayed, headSeq } = await this.replayer.replay(socket, lastSeq);
      if (!socket.connected) return;
      const head = Math.max(headSeq, socket.data.heldBackBeyond ?? 0);
      socket.emit('connected', { type: WireType.Connected, nodeId: this.identity.id, headSeq: head, replayed });
      if (!(await this.replayer.release(socket))) return;
      this.slowConsumers.admit(socket);
    } catch (error) {
      this.logger.warn({ err: error, userId: socket.data.user.userId }, 'connection setup failed');
      this.refuse(socket, PushErrorCode.Internal, 'could not set up the connection, retry');
    }
  }

  async handleDisconnect(socket: PushSocket): Promise<void> {
    this.limits.closed(socket);
    if (!this.registry.remove(socket)) return;
    metrics.connections.set(this.registry.size);
    await this.routes.disconnected(socket);
  }

  private onAck(socket: PushSocket, body: unknown): void {
    const seq = (body as { seq?: unknown } | null)?.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
      socket.emit('error', {
        type: WireType.ConnectionError,
        code: PushErrorCode.BadRequest,
        message: 'ack needs {seq: non-negative integer}',
      });
      return;
    }
    if (!socket.data.user) return;
    this.acks.ack(socket.data.user.userId, seq);
  }

  private refuse(socket: PushSocket, code: PushErrorCode, message: string): void {
    socket.emit('error', { type: WireType.ConnectionError, code, message });
    socket.disconnect(true);
  }
}
