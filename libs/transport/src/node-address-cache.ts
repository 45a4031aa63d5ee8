import { Clock, systemClock } from '@app/core';

export interface NodeAddresses {
  id: string;
  publicUrl: string;
  peerUrl: string;
  internalUrl: string;
}

/**
 * Push-node addresses from the registry, re-read at most every `maxAgeMs`, and at once when a node is unknown (it may
 * have just joined). Keeps the hot push path off Redis.
 */
export class NodeAddressCache {
  private byId = new Map<string, NodeAddresses>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly load: () => Promise<NodeAddresses[]>,
    private readonly maxAgeMs = 2000,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(nodeId: string): Promise<NodeAddresses | undefined> {
    const stale = this.clock.now() - this.loadedAt > this.maxAgeMs;
    if (stale || !this.byId.has(nodeId)) await this.refresh();
    return this.byId.get(nodeId);
  }

  private refresh(): Promise<void> {
    this.loading ??= this.load()
      .then((nodes) => {
        this.byId = new Map(nodes.map((n) => [n.id, n]));
        this.loadedAt = this.clock.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }
}
