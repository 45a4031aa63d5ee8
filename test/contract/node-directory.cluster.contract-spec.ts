import { ClusterNodeDirectory } from '@app/cluster';
import { DependencyUnavailableError, newTimeOrderedId } from '@app/core';
import type { NodeAddress } from '@app/protocol';
import { createRedisClient, RedisNodeRegistry } from '@app/redis';
import { claimRedisTestDatabase, EVENTUALLY_MS, waitFor } from '@app/testing';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { nodeDirectoryContract } from './suites/node-directory.contract';

/** Long enough that no node expires between heartbeats on a busy machine; nodes leave here by deregistering. */
const TTL_MS = 30_000;
const HEARTBEAT_MS = 1000;

const registration = (id: string) => ({
  id,
  publicUrl: `http://${id}.test:3100`,
  peerUrl: `http://${id}.internal:3100`,
  internalUrl: `ws://${id}.internal:3201`,
});

/**
 * The gateway's directory: a hash ring over the live nodes of the Redis node registry. Its database is leased, so no
 * other run's nodes are on the ring.
 */
describe('NodeDirectory — hash ring over the Redis node registry (cluster)', () => {
  let lease: Awaited<ReturnType<typeof claimRedisTestDatabase>> | undefined;
  const clients: Redis[] = [];
  const directories: ClusterNodeDirectory[] = [];
  const beats: NodeJS.Timeout[] = [];
  let registry: RedisNodeRegistry;
  let registered: string[] = [];

  const startRegistry = async () => {
    lease ??= await claimRedisTestDatabase();
    if (registry) return registry;
    const client = createRedisClient(lease.url, 'contract-node-directory');
    clients.push(client);
    registry = new RedisNodeRegistry(client);
    return registry;
  };
  /** Registers live nodes that heartbeat until the end, as push nodes do. */
  const registerNodes = async (count: number): Promise<NodeAddress[]> => {
    const ids = Array.from({ length: count }, () => `n-${newTimeOrderedId()}`);
    for (const id of ids) await registry.register(registration(id), TTL_MS);
    registered.push(...ids);
    const beat = setInterval(() => {
      for (const id of ids) if (registered.includes(id)) registry.heartbeat(id, TTL_MS).catch(() => undefined);
    }, HEARTBEAT_MS);
    beats.push(beat);
    return ids.map((id) => ({ id, url: registration(id).publicUrl }));
  };
  const startDirectory = async () => {
    // refreshes rarely: a change seen within a test came from the registry's leave notice
    const directory = new ClusterNodeDirectory(await startRegistry(), { virtualNodes: 640, refreshIntervalMs: 60_000 });
    directories.push(directory);
    await directory.start();
    return directory;
  };

  beforeAll(() => Logger.overrideLogger(['error']));
  afterAll(async () => {
    beats.forEach((b) => clearInterval(b));
    await Promise.all(directories.map((d) => d.stop()));
    if (registry) await Promise.all(registered.splice(0).map((id) => registry.deregister(id).catch(() => undefined)));
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await lease?.release();
  });

  nodeDirectoryContract({
    create: async () => {
      await startRegistry();
      const nodes = await registerNodes(3);
      return { directory: await startDirectory(), nodes };
    },
    close: async () => undefined,
  });

  describe('as nodes come and go', () => {
    const USERS = Array.from({ length: 600 }, (_, i) => `u-${newTimeOrderedId()}-${i}`);
    let directory: ClusterNodeDirectory;
    let nodes: NodeAddress[];

    beforeAll(async () => {
      // a ring of its own: the nodes of the contract above leave it
      await Promise.all(registered.splice(0).map((id) => registry.deregister(id)));
      nodes = await registerNodes(3);
      directory = await startDirectory();
      await waitFor(() => directory.liveNodeIds.length === 3, EVENTUALLY_MS, 'the three nodes on the ring');
    });

    const assignment = async () => {
      const answers = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
      return new Map(USERS.map((u, i) => [u, answers[i].id]));
    };

    it('spreads users over every live node', async () => {
      const byUser = await assignment();
      for (const node of nodes) {
        const share = [...byUser.values()].filter((id) => id === node.id).length;
        // a fair share is 200 each; 640 virtual nodes keep it far above this bound
        expect(share).toBeGreaterThan(USERS.length / 6);
      }
    });

    it('moves only the users of a node that leaves, and gives them back when it returns', async () => {
      const before = await assignment();
      const leaving = nodes[1];
      await registry.deregister(leaving.id);
      registered = registered.filter((id) => id !== leaving.id);
      await waitFor(() => !directory.liveNodeIds.includes(leaving.id), EVENTUALLY_MS, 'the node off the ring');

      const during = await assignment();
      for (const user of USERS) {
        if (before.get(user) === leaving.id) expect(during.get(user)).not.toBe(leaving.id);
        else expect(during.get(user)).toBe(before.get(user));
      }
      expect([...during.values()].some((id) => id === leaving.id)).toBe(false);

      // back: the same id registers again, and the ring (a function of the live ids only) is what it was
      await registry.register(registration(leaving.id), TTL_MS);
      registered.push(leaving.id);
      await directory.refresh();
      expect(await assignment()).toEqual(before);
    });

    it('answers 503 rather than a dead node once every node has left', async () => {
      await Promise.all(registered.splice(0).map((id) => registry.deregister(id)));
      await waitFor(() => directory.liveNodeIds.length === 0, EVENTUALLY_MS, 'an empty ring');
      await expect(directory.nodeFor(USERS[0])).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });
});
