/** What a push node announces when it joins the cluster. */
export interface NodeRegistration {
  id: string;
  publicUrl: string;
  /** The node's socket.io address as other services reach it (the gateway's /ws forwards there). */
  peerUrl: string;
  internalUrl: string;
}

export interface NodeInfo extends NodeRegistration {
  /** Epoch ms of the node's register() call. */
  startedAt: number;
}

/** Told about each dead node; must be idempotent (several reports, several processes). Rejecting retries later. */
export type DeathListener = (nodeId: string) => void | Promise<void>;
/** A node that deregistered (graceful drain); called once per watcher, never retried. */
export type LeaveListener = (nodeId: string) => void;

/**
 * The live push nodes of a cluster (see docs/architecture.md, 'The cluster'): each node registers with a TTL and
 * heartbeats; one that stops is reported dead once, to every watcher, so its routes can be reaped and the hash ring
 * drops it. Split only: in one process, the process is its only node.
 */
export interface NodeRegistry {
  register(node: NodeRegistration, ttlMs: number): Promise<void>;
  /**
   * Extends the node's TTL. Returns true if the node had been declared dead and was registered again: its routes
   * may have been removed, so the caller should re-assert them now.
   */
  heartbeat(id: string, ttlMs: number): Promise<boolean>;
  /** Graceful drain: leave at once; watchers hear `onLeft` (not a death: the node removes its own routes). */
  deregister(id: string): Promise<void>;
  isRegistered(id: string): Promise<boolean>;
  /** The registered nodes whose registration has not expired, sorted by id. */
  liveNodes(): Promise<NodeInfo[]>;
  /**
   * Calls `onDead` for every node that dies while watching, and `onLeft` for every node that deregisters. Resolves
   * once watching; the returned function stops watching (and waits for reports in progress).
   */
  watch(onDead: DeathListener, onLeft?: LeaveListener): Promise<() => Promise<void>>;
}

export const NODE_REGISTRY = Symbol('NodeRegistry');
