import type { NodeAddress } from '@app/protocol';

/** Chooses the push node a user connects to (consistent hashing over healthy nodes in a cluster). */
export interface NodeDirectory {
  nodeFor(userId: string): Promise<NodeAddress>;
}

export const NODE_DIRECTORY = Symbol('NodeDirectory');
