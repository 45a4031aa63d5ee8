import { newTimeOrderedId, NodeDirectory } from '@app/core';
import type { NodeAddress } from '@app/protocol';

export interface NodeDirectoryHarness {
  /**
   * A directory over live push nodes, and the address each of them announces (id and the URL clients are sent to).
   * The one-process server has exactly one; a cluster has several.
   */
  create(): Promise<{ directory: NodeDirectory; nodes: NodeAddress[] }>;
  close(): Promise<void>;
}

/**
 * Every NodeDirectory (see docs/architecture.md, 'The cluster'): it answers, for any user, the address of a live node
 * exactly as that node announced it, and always the same node for the same user while the nodes do not change (login
 * puts the node in the token; a node refuses a token naming another one).
 */
export function nodeDirectoryContract(harness: NodeDirectoryHarness): void {
  let directory: NodeDirectory;
  let nodes: NodeAddress[];
  const USERS = Array.from({ length: 300 }, (_, i) => `u-${newTimeOrderedId()}-${i}`);

  beforeAll(async () => {
    ({ directory, nodes } = await harness.create());
    expect(nodes.length).toBeGreaterThan(0);
  });
  afterAll(() => harness.close());

  it('answers every user the address of a live node, as that node announced it', async () => {
    for (const user of USERS) {
      const answer = await directory.nodeFor(user);
      expect(nodes).toContainEqual(answer);
      expect(Object.keys(answer).sort()).toEqual(['id', 'url']);
    }
  });

  it('answers the same node for the same user, on repeated and on concurrent calls', async () => {
    const first = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
    const again = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
    const concurrent = await Promise.all(USERS.flatMap((u) => [directory.nodeFor(u), directory.nodeFor(u)]));
    expect(again).toEqual(first);
    expect(concurrent).toEqual(first.flatMap((n) => [n, n]));
  });

  it('answers any user id, unknown users and odd characters included', async () => {
    for (const user of ['', 'ä-👋-世界', 'x'.repeat(1000), ' spaced id ', '0']) {
      expect(nodes).toContainEqual(await directory.nodeFor(user));
      expect(await directory.nodeFor(user)).toEqual(await directory.nodeFor(user));
    }
  });
}
