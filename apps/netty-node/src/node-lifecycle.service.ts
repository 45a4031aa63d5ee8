import { NettyNodeConfig } from '@app/config';
import { NODE_REGISTRY, NodeRegistry } from '@app/core';
import { PushGateway, RoutePresence, SocketRegistry } from '@app/push';
import { InternalPushServer } from '@app/transport';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A push node's membership of the cluster: opens the internal socket for dispatch, joins the registry (and so the
 * hash ring) once it serves, heartbeats, and drains on shutdown — leave the ring first, tell clients to reconnect,
 * exit when they are gone or the deadline passes (see docs/architecture.md, 'The cluster').
 */
@Injectable()
export class NodeLifecycle implements BeforeApplicationShutdown {
  private readonly logger = new Logger(NodeLifecycle.name);
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly config: NettyNodeConfig,
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    private readonly internal: InternalPushServer,
    private readonly sockets: SocketRegistry,
    private readonly gateway: PushGateway,
    private readonly routes: RoutePresence,
  ) {}

  /** Called once the public port listens. */
  async join(): Promise<void> {
    const { NODE_ID, PUBLIC_URL, INTERNAL_URL, NODE_TTL_MS, NODE_HEARTBEAT_MS } = this.config;
    await this.internal.listen();
    await this.registry.register(
      { id: NODE_ID, publicUrl: PUBLIC_URL, peerUrl: this.config.peerUrl, internalUrl: INTERNAL_URL },
      NODE_TTL_MS,
    );
    this.heartbeat = setInterval(() => void this.beat(), NODE_HEARTBEAT_MS);
    this.heartbeat.unref();
    this.logger.log(`push node ${NODE_ID} joined: public ${PUBLIC_URL}, internal ${INTERNAL_URL}`);
  }

  /**
   * The node's own liveness in the registry (NODE_HEARTBEAT_MS), not its clients' routes (RoutePresence's heartbeat,
   * every third of PUSH_ROUTE_TTL_MS): a node missing NODE_TTL_MS is reaped with all its routes at once.
   */
  private async beat(): Promise<void> {
    try {
      // true: we had been declared dead (a long pause) and re-registered; our routes may have been reaped
      if (await this.registry.heartbeat(this.config.NODE_ID, this.config.NODE_TTL_MS)) await this.routes.refresh();
    } catch (error) {
      this.logger.warn({ err: error }, 'node heartbeat failed');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.gateway.startDraining();
    await this.registry
      .deregister(this.config.NODE_ID)
      .catch((error) => this.logger.warn({ err: error }, 'could not leave the registry; it will expire'));
    this.gateway.moveClients();
    // a real wait on the real clock: the clients are leaving over the network
    const deadline = Date.now() + this.config.DRAIN_TIMEOUT_MS;
    while (this.sockets.size > 0 && Date.now() < deadline) await sleep(100);
    await this.internal.close();
  }
}
