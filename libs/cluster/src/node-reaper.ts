import { Clock, NodeRegistry, PresenceEvents, PresenceStore, systemClock } from '@app/core';
import { Logger } from '@nestjs/common';

/**
 * Removes a dead node's routes (see docs/architecture.md, 'The cluster') so that pushes stop going to it. Safe to run
 * in several processes at once: each removal is one atomic script and a second one finds nothing left to remove.
 */
export class NodeReaper {
  private readonly logger = new Logger(NodeReaper.name);
  private stopWatching?: () => Promise<void>;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly presence: PresenceStore,
    /** When given, users left with no route are announced offline (their node died without saying goodbye). */
    private readonly presenceEvents?: PresenceEvents,
    private readonly clock: Clock = systemClock,
  ) {}

  async start(): Promise<void> {
    this.stopWatching ??= await this.registry.watch(async (nodeId) => {
      await this.reap(nodeId);
    });
  }

  async stop(): Promise<void> {
    const stop = this.stopWatching;
    this.stopWatching = undefined;
    await stop?.();
  }

  /** Returns the users that lost a live route. A rejection leaves the node listed, so the next sweep retries. */
  async reap(nodeId: string): Promise<string[]> {
    // a node that was only slow registers again on its next heartbeat: keep its routes then
    if (await this.registry.isRegistered(nodeId)) return [];
    const users = await this.presence.removeNode(nodeId);
    if (users.length > 0) this.logger.log({ nodeId, users: users.length }, 'dead node: routes removed');
    if (users.length > 0 && this.presenceEvents) await this.announceOffline(users);
    return users;
  }

  private async announceOffline(users: string[]): Promise<void> {
    try {
      const routes = await this.presence.routesOf(users);
      const at = this.clock.now();
      for (const userId of users) {
        if (!routes.has(userId)) await this.presenceEvents!.publish({ userId, online: false, at });
      }
    } catch (error) {
      this.logger.warn({ err: error, users: users.length }, 'offline presence of a dead node not published');
    }
  }
}
