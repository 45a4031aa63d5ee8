import { TokenService } from '@app/tokens';
import { InboxService } from '@app/inbox';
import {
  DomainError,
  ErrorCode,
  PRESENCE_EVENTS,
  PRESENCE_STORE,
  PresenceEvents,
  PresenceStore,
  Route,
} from '@app/core';
import { metrics } from '@app/platform';
import { ClientToServerEvents, PushErrorCode, PushMessage, ServerToClientEvents, WireType } from '@app/protocol';
import { pushRooms } from '@app/transport';
import { Inject, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { AckCoalescer } from './ack-coalescer';
import { ConnectionLimits } from './connection-limits';
import { NodeIdentity, ROUTE_TTL_MS } from './node-identity';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { SocketEventLimiter } from './socket-event-limiter';
import { PushSocket, PushSocketData, SocketRegistry } from './socket-registry';

const REPLAY_PAGE = 200;
/** A client further behind than this pulls the rest over REST (GET /inbox) instead of holding up the connection. */
const REPLAY_MAX = 5000;
/** A replaying client that reads nothing for this long is cut as a slow consumer. */
const REPLAY_DRAIN_MS = 20_000;
const DRAINING_MESSAGE = 'this node is shutting down: log in again to get a live node';

/**
 * The client push channel (see docs/architecture.md, 'The client's interface'): verify the token in the handshake,
 * register the route, replay the inbox after `lastSeq`, emit 201, then live messages; acks move the inbox watermark.
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
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PushGateway.name);
  private heartbeat?: NodeJS.Timeout;
  private draining = false;

  @WebSocketServer()
  server: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PushSocketData>;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly tokens: TokenService,
    private readonly inbox: InboxService,
    private readonly registry: SocketRegistry,
    private readonly limits: ConnectionLimits,
    private readonly slowConsumers: SlowConsumerGuard,
    private readonly eventLimiter: SocketEventLimiter,
    private readonly acks: AckCoalescer,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(PRESENCE_EVENTS) private readonly presenceEvents: PresenceEvents,
  ) {}

  onModuleInit(): void {
    this.heartbeat = setInterval(() => void this.refreshRoutes(), ROUTE_TTL_MS / 3);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.presence.removeNode(this.identity.id).catch(() => undefined);
  }

  /** Graceful drain, step 1: new connections are refused with NODE_DRAINING (their clients log in for a live node). */
  startDraining(): void {
    this.draining = true;
  }

  /** Graceful drain, step 2 (once the node left the ring): tells every client to move, and lets it go. */
  moveClients(): void {
    for (const socket of this.registry.all()) this.refuse(socket, PushErrorCode.NodeDraining, DRAINING_MESSAGE);
  }

  async handleConnection(socket: PushSocket): Promise<void> {
    // the handshake holds what we read (auth, headers); the upgrade request and its buffers can go
    (socket.conn as { request: unknown }).request = null;
    if (this.draining) return this.refuse(socket, PushErrorCode.NodeDraining, DRAINING_MESSAGE);
    if (!this.limits.openFromAddress(socket)) {
      return this.refuse(socket, PushErrorCode.TooManyConnections, 'too many connections from this address');
    }
    this.eventLimiter.install(socket);
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; lastSeq?: unknown };
    if (typeof auth.token !== 'string' || !auth.token)
      return this.refuse(socket, PushErrorCode.TokenMissing, 'handshake auth.token is required');
    const lastSeq = auth.lastSeq ?? 0;
    if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) {
      return this.refuse(socket, PushErrorCode.BadRequest, 'handshake auth.lastSeq must be a non-negative integer');
    }
    try {
      socket.data.user = await this.tokens.verify(auth.token);
    } catch (error) {
      const revoked = error instanceof DomainError && error.code === ErrorCode.TokenRevoked;
      return this.refuse(
        socket,
        revoked ? PushErrorCode.TokenRevoked : PushErrorCode.TokenInvalid,
        (error as Error).message,
      );
    }
    if (socket.data.user.nodeId !== this.identity.id) {
      return this.refuse(
        socket,
        PushErrorCode.TokenWrongNode,
        `this token is for node ${socket.data.user.nodeId}; log in again to get your node`,
      );
    }
    if (!this.limits.allowUser(socket)) {
      return this.refuse(socket, PushErrorCode.TooManyConnections, 'too many connections for this user; close one');
    }
    socket.data.heldBack = [];
    this.slowConsumers.watch(socket);
    // rooms let any process address this socket through the adapter (end a session, notices)
    void socket.join([pushRooms.user(socket.data.user.userId), pushRooms.token(socket.data.user.tokenId)]);
    this.registry.add(socket);
    metrics.connections.set(this.registry.size);
    try {
      await this.presence.connect(this.routeOf(socket), ROUTE_TTL_MS);
      void this.announce(socket.data.user.userId, true);
      const { replayed, headSeq } = await this.replay(socket, lastSeq);
      if (!socket.connected) return;
      const head = Math.max(headSeq, socket.data.heldBackBeyond ?? 0);
      socket.emit('connected', { type: WireType.Connected, nodeId: this.identity.id, headSeq: head, replayed });
      // still held back while these go out paced, so that nothing live overtakes them
      const held = socket.data.heldBack;
      for (let i = 0; i < held.length; i++) if (!(await this.emitPaced(socket, held[i]))) return;
      socket.data.heldBack = null;
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
    const removed = await this.presence.disconnect(this.routeOf(socket)).then(
      () => true,
      (error) => this.logger.warn({ err: error }, 'route not removed; it will expire'),
    );
    if (removed) await this.announce(socket.data.user.userId, false);
  }

  /**
   * Presence transitions: after a connect, the user's first live route (0 → 1) means online; after a disconnect, no
   * route left (1 → 0) means offline. The consumer re-checks the routes, so a change published late is dropped there.
   */
  private async announce(userId: string, connected: boolean): Promise<void> {
    try {
      const routes = (await this.presence.routesOf([userId])).get(userId)?.length ?? 0;
      if (connected ? routes !== 1 : routes !== 0) return;
      await this.presenceEvents.publish({ userId, online: connected, at: Date.now() });
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'presence change not published');
    }
  }

  @SubscribeMessage('ack')
  onAck(@ConnectedSocket() socket: PushSocket, @MessageBody() body: unknown): void {
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

  private async replay(socket: PushSocket, lastSeq: number): Promise<{ replayed: number; headSeq: number }> {
    let after = lastSeq;
    let replayed = 0;
    for (;;) {
      const page = await this.inbox.read(socket.data.user.userId, after, REPLAY_PAGE);
      for (const message of page.entries) {
        replayed++;
        if (!(await this.emitPaced(socket, message))) return { replayed, headSeq: page.headSeq };
      }
      if (page.entries.length) after = page.entries[page.entries.length - 1].seq;
      if (!page.hasMore || replayed >= REPLAY_MAX || !socket.connected) return { replayed, headSeq: page.headSeq };
    }
  }

  /**
   * Paced by the client's reading, so that a long backlog is neither mistaken for a slow consumer nor held in memory
   * here. False when the socket is gone or read nothing for REPLAY_DRAIN_MS (then cut).
   */
  private async emitPaced(socket: PushSocket, message: PushMessage): Promise<boolean> {
    socket.emit('message', message);
    if (!this.slowConsumers.isFilling(socket)) return true;
    return this.slowConsumers.room(socket, REPLAY_DRAIN_MS);
  }

  private refuse(socket: PushSocket, code: PushErrorCode, message: string): void {
    socket.emit('error', { type: WireType.ConnectionError, code, message });
    socket.disconnect(true);
  }

  private routeOf(socket: PushSocket): Route {
    return { userId: socket.data.user.userId, connectionId: socket.id, nodeId: this.identity.id };
  }

  /** Heartbeat of every local route; also called when this node had been declared dead and its routes reaped. */
  async refreshRoutes(): Promise<void> {
    const routes = [...this.registry.all()].map((s) => this.routeOf(s));
    if (!routes.length) return;
    await this.presence
      .refresh(this.identity.id, routes, ROUTE_TTL_MS)
      .catch((error) => this.logger.warn({ err: error }, 'route heartbeat failed'));
  }
}
