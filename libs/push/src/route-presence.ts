import { SwitchboardConfig } from '@app/config';
import { Clock, CLOCK, PRESENCE_EVENTS, PRESENCE_STORE, PresenceEvents, PresenceStore, Route } from '@app/core';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { NodeIdentity } from './node-identity';
import { PushSocket, SocketRegistry } from './socket-registry';

/**
 * The routes of this node's sockets in presence (how dispatch finds a user's nodes) and the online/offline changes
 * they make: registered on connect, removed on disconnect, refreshed by a heartbeat every third of PUSH_ROUTE_TTL_MS.
 */
@Injectable()
export class RoutePresence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RoutePresence.name);
  private readonly ttlMs: number;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly sockets: SocketRegistry,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(PRESENCE_EVENTS) private readonly events: PresenceEvents,
    @Inject(CLOCK) private readonly clock: Clock,
    config: SwitchboardConfig,
  ) {
    this.ttlMs = config.PUSH_ROUTE_TTL_MS;
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => void this.refresh(), this.ttlMs / 3);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.presence.removeNode(this.identity.id).catch(() => undefined);
  }

  /** Throws if presence is unreachable: a socket nobody can route to must not stay connected. */
  async connected(socket: PushSocket): Promise<void> {
    await this.presence.connect(this.routeOf(socket), this.ttlMs);
    void this.announce(socket.data.user.userId, true);
  }

  async disconnected(socket: PushSocket): Promise<void> {
    const removed = await this.presence.disconnect(this.routeOf(socket)).then(
      () => true,
      (error) => this.logger.warn({ err: error }, 'route not removed; it will expire'),
    );
    if (removed) await this.announce(socket.data.user.userId, false);
  }

  /** Heartbeat of every local route; also called when this node had been declared dead and its routes reaped. */
  async refresh(): Promise<void> {
    const routes = [...this.sockets.all()].map((s) => this.routeOf(s));
    if (!routes.length) return;
    await this.presence
      .refresh(this.identity.id, routes, this.ttlMs)
      .catch((error) => this.logger.warn({ err: error }, 'route heartbeat failed'));
  }

  /**
   * Presence transitions: after a connect, the user's first live route (0 → 1) means online; after a disconnect, no
   * route left (1 → 0) means offline. The consumer re-checks the routes, so a change published late is dropped there.
   */
  private async announce(userId: string, connected: boolean): Promise<void> {
    try {
      const routes = (await this.presence.routesOf([userId])).get(userId)?.length ?? 0;
      if (connected ? routes !== 1 : routes !== 0) return;
      await this.events.publish({ userId, online: connected, at: this.clock.now() });
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'presence change not published');
    }
  }

  private routeOf(socket: PushSocket): Route {
    return { userId: socket.data.user.userId, connectionId: socket.id, nodeId: this.identity.id };
  }
}
