import { PresenceStore } from '@app/core';
import { Logger } from '@nestjs/common';
import { RedisNodeRegistry } from './node-registry.redis';

/**
 * Removes a dead node's routes (DESIGN §5) so that pushes stop going to it. Safe to run in several processes at
 * once: each removal is one atomic script and a second one finds nothing left to remove.
 */
export class NodeReaper {
  private readonly logger = new Logger(NodeReaper.name);
  private stopWatching?: () => Promise<void>;

  constructor(
    private readonly registry: RedisNodeRegistry,
    private readonly presence: PresenceStore,
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
    return users;
  }
}
