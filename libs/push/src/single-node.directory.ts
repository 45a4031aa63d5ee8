import { NodeDirectory } from '@app/core';
import type { NodeAddress } from '@app/protocol';
import { NodeIdentity } from './node-identity';

/** The one-process server's NodeDirectory: this process is the only push node, so every user is sent to it. */
export class SingleNodeDirectory implements NodeDirectory {
  constructor(private readonly identity: NodeIdentity) {}

  async nodeFor(): Promise<NodeAddress> {
    return { id: this.identity.id, url: this.identity.url };
  }
}
