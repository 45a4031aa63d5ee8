import { DependencyUnavailableError, NodeDirectory, NodeInfo, NodeRegistry } from '@app/core';
import type { NodeAddress } from '@app/protocol';
import { Logger } from '@nestjs/common';
import { HashRing } from './hash-ring';

export interface ClusterNodeDirectoryOptions {
  /** Virtual nodes per push node (GatewayConfig.HASH_RING_VIRTUAL_NODES). */
  virtualNodes: number;
  /** How often the ring is reread from the registry; deaths also update it at once. */
  refreshIntervalMs?: number;
}

/**
 * Picks a user's push node on a consistent hash ring over the live nodes of the registry
 * (see docs/architecture.md, 'The cluster').
 */
export class ClusterNodeDirectory implements NodeDirectory {
  private readonly logger = new Logger(ClusterNodeDirectory.name);
  private readonly ring: HashRing;
  private readonly refreshIntervalMs: number;
  private nodes = new Map<string, NodeInfo>();
  private timer?: NodeJS.Timeout;
  private stopWatching?: () => Promise<void>;
  private running = false;
  private refreshing?: Promise<void>;
  private again = false;
  /** Bumped on each death or leave, so a read that started before it cannot put the node back. */
  private epoch = 0;

  constructor(
    private readonly registry: NodeRegistry,
    options: ClusterNodeDirectoryOptions,
  ) {
    this.ring = new HashRing(options.virtualNodes);
    this.refreshIntervalMs = options.refreshIntervalMs ?? 2000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      // a death and a graceful leave both take the node off the ring at once
      this.stopWatching = await this.registry.watch(
        (nodeId) => this.drop(nodeId),
        (nodeId) => this.drop(nodeId),
      );
      await this.refresh();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.timer = setInterval(() => {
      this.refresh().catch((error) =>
        this.logger.warn({ err: error }, 'node list refresh failed; keeping the last ring'),
      );
    }, this.refreshIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    const stop = this.stopWatching;
    this.stopWatching = undefined;
    await stop?.();
    await this.refreshing?.catch(() => undefined);
  }

  async nodeFor(userId: string): Promise<NodeAddress> {
    // no node known yet (or all dead): look again now rather than failing until the next tick
    if (this.nodes.size === 0 && this.running) await this.refresh().catch(() => undefined);
    const id = this.ring.nodeFor(userId);
    const node = id === undefined ? undefined : this.nodes.get(id);
    if (!node) throw new DependencyUnavailableError('push nodes');
    return { id: node.id, url: node.publicUrl };
  }

  /** A live node's registered addresses (undefined once it left the ring). */
  nodeById(nodeId: string): NodeInfo | undefined {
    return this.nodes.get(nodeId);
  }

  /** Ids of the nodes on the ring, sorted. */
  get liveNodeIds(): readonly string[] {
    return this.ring.nodes;
  }

  /** Rereads the live nodes; concurrent callers share one read, and a call made during a read gets a fresh one. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          const epoch = this.epoch;
          const nodes = await this.registry.liveNodes();
          if (epoch === this.epoch) this.apply(nodes);
          else this.again = true;
        } while (this.again && this.running);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private drop(nodeId: string): void {
    this.epoch++;
    if (this.nodes.has(nodeId)) this.apply([...this.nodes.values()].filter((n) => n.id !== nodeId));
    // the death may hide others (e.g. a partition); reread soon, but never fail the registry's report
    this.refresh().catch((error) =>
      this.logger.warn({ err: error }, 'node list refresh failed; keeping the last ring'),
    );
  }

  private apply(nodes: NodeInfo[]): void {
    const next = new Map(nodes.map((n) => [n.id, n]));
    const changed = next.size !== this.nodes.size || nodes.some((n) => !this.nodes.has(n.id));
    this.nodes = next;
    if (!changed) return;
    this.ring.setNodes(next.keys());
    this.logger.log({ nodes: this.ring.nodes }, 'hash ring updated');
  }
}
