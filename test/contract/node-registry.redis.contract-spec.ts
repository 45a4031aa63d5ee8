import { ClusterNodeDirectory, NodeReaper } from '@app/cluster';
import { DependencyUnavailableError, newTimeOrderedId, PresenceChange, PresenceEvents } from '@app/core';
import { createRedisClient, RedisNodeRegistry, RedisPresenceStore, redisKeys } from '@app/redis';
import { claimRedisTestDatabase, EVENTUALLY_MS } from '@app/testing';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nodeId = () => `n-${newTimeOrderedId()}`;
const node = (id: string) => ({
  id,
  publicUrl: `http://${id}.test:3100`,
  peerUrl: `http://${id}.internal:3100`,
  internalUrl: `ws://${id}.test:3201`,
});

/**
 * A node's TTL in tests that need it to stay alive between heartbeats: long enough that a busy machine's stall does
 * not let it expire. A test that needs it to expire waits for the event (the report, the move), not a fixed time.
 */
const LIVE_TTL_MS = 1500;
/** A registry that sweeps so rarely that any death it reports within a test came from the expiry notification. */
const NO_SWEEP = { sweepIntervalMs: 10 * 60_000 };

async function eventually<T>(probe: () => Promise<T | undefined>, withinMs = EVENTUALLY_MS): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${withinMs} ms`);
    await sleep(25);
  }
}

describe('RedisNodeRegistry, NodeReaper, ClusterNodeDirectory — Redis', () => {
  const clients: Redis[] = [];
  const stops: (() => Promise<void>)[] = [];
  const registered: string[] = [];
  let redis: Redis;
  let registry: RedisNodeRegistry;
  let presence: RedisPresenceStore;
  // the directory sees every node listed in `im:nodes`: a leased database keeps other runs' nodes off its ring
  let lease: Awaited<ReturnType<typeof claimRedisTestDatabase>>;

  const client = () => {
    const c = createRedisClient(lease.url, 'contract-cluster');
    clients.push(c);
    return c;
  };
  const register = async (id: string, ttlMs: number) => {
    registered.push(id);
    await registry.register(node(id), ttlMs);
  };
  const listed = async (id: string) => (await redis.sismember(redisKeys.nodes(), id)) === 1;

  beforeAll(async () => {
    lease = await claimRedisTestDatabase();
    Logger.overrideLogger(['error']); // the warnings here are expected (failing listener, re-registration)
    redis = client();
    registry = new RedisNodeRegistry(redis);
    presence = new RedisPresenceStore(redis);
  });

  afterEach(async () => {
    while (stops.length) await stops.pop()!();
    await Promise.all(registered.splice(0).map((id) => registry.deregister(id)));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await lease?.release();
  });

  describe('registry', () => {
    it('lists a registered node with its addresses', async () => {
      const id = nodeId();
      const before = Date.now();
      await register(id, 30_000);
      const info = (await registry.liveNodes()).find((n) => n.id === id);
      expect(info).toEqual({ ...node(id), startedAt: expect.any(Number) });
      expect(info!.startedAt).toBeGreaterThanOrEqual(before);
      expect(await listed(id)).toBe(true);
      expect(await registry.isRegistered(id)).toBe(true);
    });

    it('keeps a heartbeating node alive past its TTL', async () => {
      const id = nodeId();
      await register(id, LIVE_TTL_MS);
      // heartbeats for twice the TTL
      for (const until = Date.now() + 2 * LIVE_TTL_MS; Date.now() < until;) {
        await sleep(100);
        expect(await registry.heartbeat(id, LIVE_TTL_MS)).toBe(false);
      }
      expect((await registry.liveNodes()).map((n) => n.id)).toContain(id);
    });

    it('registers again on a heartbeat after the key expired, and says so', async () => {
      const id = nodeId();
      await register(id, 100);
      await sleep(250);
      expect(await registry.heartbeat(id, 30_000)).toBe(true);
      expect((await registry.liveNodes()).find((n) => n.id === id)).toMatchObject(node(id));
      await expect(registry.heartbeat(nodeId(), 1000)).rejects.toThrow(/not registered/);
    });

    it('removes a deregistered node at once and tells the leave watchers, without reporting it dead', async () => {
      const id = nodeId();
      const [dead, left, leftElsewhere] = [[], [], []] as string[][];
      stops.push(
        await registry.watch(
          (d) => void dead.push(d),
          (l) => void left.push(l),
        ),
      );
      // another process's registry (another gateway) hears it too
      const other = new RedisNodeRegistry(client());
      stops.push(
        await other.watch(
          () => undefined,
          (l) => void leftElsewhere.push(l),
        ),
      );
      await register(id, 30_000);
      await registry.deregister(id);
      expect((await registry.liveNodes()).map((n) => n.id)).not.toContain(id);
      expect(await listed(id)).toBe(false);
      await eventually(async () => (left.includes(id) && leftElsewhere.includes(id) ? true : undefined));
      await sleep(300);
      expect(dead).not.toContain(id);
      expect(left.filter((l) => l === id)).toHaveLength(1);
    });

    it('reports a node that stops heartbeating by its expiry (not the sweep), removes it and its routes', async () => {
      const id = nodeId();
      const user = `u-${newTimeOrderedId()}`;
      const reaper = new NodeReaper(registry, presence);
      await reaper.start();
      stops.push(() => reaper.stop());
      let reportedAt = 0;
      // this watcher never sweeps within the test: a report can only come from the expiry notification
      const watcher = new RedisNodeRegistry(redis, NO_SWEEP);
      stops.push(await watcher.watch((d) => void (d === id && (reportedAt ||= Date.now()))));

      await register(id, LIVE_TTL_MS);
      const registeredAt = Date.now();
      await presence.connect({ userId: user, connectionId: 'c1', nodeId: id }, 30_000);
      expect((await presence.routesOf([user])).get(user)).toHaveLength(1);

      await eventually(async () => (reportedAt ? true : undefined));
      expect(reportedAt).toBeGreaterThanOrEqual(registeredAt);
      // each process handles the expiry by itself: the watcher may unlist the node before the reaper's removal ends
      await eventually(async () => ((await listed(id)) ? undefined : true));
      await eventually(async () => ((await presence.routesOf([user])).has(user) ? undefined : true));
      expect(await redis.exists(redisKeys.nodeUsers(id))).toBe(0);
    });

    it('announces offline the users a dead node leaves with no route, and only them', async () => {
      const id = nodeId();
      const [gone, elsewhere] = [`u-${newTimeOrderedId()}`, `u-${newTimeOrderedId()}`];
      const changes: PresenceChange[] = [];
      const events: PresenceEvents = {
        publish: async (change) => void changes.push(change),
        consume: async () => undefined,
        close: async () => undefined,
      };
      const reaper = new NodeReaper(registry, presence, events);
      await presence.connect({ userId: gone, connectionId: 'c1', nodeId: id }, 30_000);
      await presence.connect({ userId: elsewhere, connectionId: 'c2', nodeId: id }, 30_000);
      await presence.connect({ userId: elsewhere, connectionId: 'c3', nodeId: `${id}-other` }, 30_000);
      const before = Date.now();
      expect((await reaper.reap(id)).sort()).toEqual([gone, elsewhere].sort());
      expect(changes).toEqual([{ userId: gone, online: false, at: expect.any(Number) }]);
      expect(changes[0].at).toBeGreaterThanOrEqual(before);
      await presence.removeNode(`${id}-other`);
    });

    it('finds, by sweeping, a dead node no notification reported', async () => {
      const sweeper = new RedisNodeRegistry(redis, { sweepIntervalMs: 100 });
      const ghost = nodeId();
      const dead: string[] = [];
      stops.push(await sweeper.watch((d) => void dead.push(d)));
      // listed without a key: as if the expiry happened while nobody was subscribed
      await redis.sadd(redisKeys.nodes(), ghost);
      await eventually(async () => (dead.includes(ghost) ? true : undefined));
      await eventually(async () => ((await listed(ghost)) ? undefined : true));
    });

    it('keeps the node listed when a death listener fails, and reports it again', async () => {
      const sweeper = new RedisNodeRegistry(redis, { sweepIntervalMs: 100 });
      const ghost = nodeId();
      let calls = 0;
      stops.push(
        await sweeper.watch((d) => {
          if (d === ghost && ++calls === 1) throw new Error('cleanup failed');
        }),
      );
      await redis.sadd(redisKeys.nodes(), ghost);
      await eventually(async () => (calls >= 2 ? true : undefined));
      await eventually(async () => ((await listed(ghost)) ? undefined : true));
    });
  });

  describe('reaper', () => {
    it('removes routes once however many reapers run, and spares a node that came back', async () => {
      const [dead, back] = [nodeId(), nodeId()];
      const users = [`u-${newTimeOrderedId()}`, `u-${newTimeOrderedId()}`];
      await presence.connect({ userId: users[0], connectionId: 'c1', nodeId: dead }, 30_000);
      await presence.connect({ userId: users[1], connectionId: 'c1', nodeId: back }, 30_000);
      await register(back, 30_000);

      const reapers = [new NodeReaper(registry, presence), new NodeReaper(new RedisNodeRegistry(client()), presence)];
      const lost = await Promise.all(reapers.map((r) => r.reap(dead)));
      expect(lost.flat()).toEqual([users[0]]);
      expect(await Promise.all(reapers.map((r) => r.reap(back)))).toEqual([[], []]);
      const routes = await presence.routesOf(users);
      expect(routes.has(users[0])).toBe(false);
      expect(routes.get(users[1])).toEqual([{ userId: users[1], connectionId: 'c1', nodeId: back }]);
    });
  });

  describe('directory', () => {
    const USERS = Array.from({ length: 200 }, () => `u-${newTimeOrderedId()}`);

    async function startDirectory(
      refreshIntervalMs = 60_000,
      source: RedisNodeRegistry = registry,
    ): Promise<ClusterNodeDirectory> {
      const directory = new ClusterNodeDirectory(source, { virtualNodes: 160, refreshIntervalMs });
      await directory.start();
      stops.push(() => directory.stop());
      return directory;
    }

    it('answers 503 with no live node, and uses the first node as soon as it registers', async () => {
      const directory = await startDirectory();
      await expect(directory.nodeFor(USERS[0])).rejects.toBeInstanceOf(DependencyUnavailableError);
      const id = nodeId();
      await register(id, 30_000);
      await expect(directory.nodeFor(USERS[0])).resolves.toEqual({ id, url: node(id).publicUrl });
    });

    it('spreads users over two nodes, and moves them all to the survivor on the expiry of a death', async () => {
      const [a, b] = [nodeId(), nodeId()];
      await register(a, LIVE_TTL_MS);
      await register(b, LIVE_TTL_MS);
      let beatB = true;
      const beat = setInterval(() => {
        registry.heartbeat(a, LIVE_TTL_MS).catch(() => undefined);
        if (beatB) registry.heartbeat(b, LIVE_TTL_MS).catch(() => undefined);
      }, 100);
      stops.push(async () => clearInterval(beat));
      // refreshes only on deaths, and its registry never sweeps within the test: the move below can only come from
      // b's expiry notification
      const directory = await startDirectory(60_000, new RedisNodeRegistry(client(), NO_SWEEP));

      const before = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
      const count = (id: string) => before.filter((n) => n.id === id).length;
      expect(count(a) + count(b)).toBe(USERS.length);
      expect(Math.min(count(a), count(b))).toBeGreaterThan(USERS.length / 5);
      expect(before.find((n) => n.id === b)).toEqual({ id: b, url: node(b).publicUrl });

      beatB = false;
      await eventually(async () => {
        const after = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
        return after.every((n) => n.id === a) ? true : undefined;
      });
      expect(directory.liveNodeIds).toEqual([a]);
    });

    it('takes a node that deregisters (a drain) off the ring at once, not at the next refresh', async () => {
      const [a, b] = [nodeId(), nodeId()];
      await register(a, 30_000);
      await register(b, 30_000);
      const directory = await startDirectory(); // refreshes every 60 s: the move below comes from the leave notice
      expect([...directory.liveNodeIds].sort()).toEqual([a, b].sort());
      await registry.deregister(b);
      await eventually(async () => (directory.liveNodeIds.includes(b) ? undefined : true));
      const after = await Promise.all(USERS.map((u) => directory.nodeFor(u)));
      expect(after.every((n) => n.id === a)).toBe(true);
    });

    it('answers 503 once every node is gone', async () => {
      const id = nodeId();
      await register(id, 30_000);
      const directory = await startDirectory(100);
      await expect(directory.nodeFor(USERS[0])).resolves.toMatchObject({ id });
      await registry.deregister(id);
      await eventually(async () => (directory.liveNodeIds.length === 0 ? true : undefined));
      await expect(directory.nodeFor(USERS[0])).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });
});
