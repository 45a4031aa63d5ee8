import { NodeDirectory } from '@app/core';
import { NodeIdentity, SingleNodeDirectory } from '@app/push';
import { nodeDirectoryContract } from './suites/node-directory.contract';

/** The one-process server: the process is its only push node, so every user is sent to it. */
describe('NodeDirectory — single node (one process)', () => {
  const identity = new NodeIdentity('standalone', 'http://localhost:3000');

  nodeDirectoryContract({
    create: async () => ({
      directory: new SingleNodeDirectory(identity),
      nodes: [{ id: identity.id, url: identity.url }],
    }),
    close: async () => undefined,
  });

  it('answers its own identity, whatever it is', async () => {
    const other: NodeDirectory = new SingleNodeDirectory(new NodeIdentity('node-7', 'https://chat.example.com'));
    await expect(other.nodeFor('anyone')).resolves.toEqual({ id: 'node-7', url: 'https://chat.example.com' });
  });
});
