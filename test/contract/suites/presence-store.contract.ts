import { newTimeOrderedId, PresenceStore } from '@app/core';
import { realTimeline, Timeline } from '@app/testing';

export interface PresenceStoreHarness {
  /** The time the adapter runs on (default: the real clock). */
  timeline?: Timeline;
  create(): Promise<PresenceStore>;
  close(): Promise<void>;
}

const TTL = 30_000;

export function presenceStoreContract(harness: PresenceStoreHarness): void {
  const time = harness.timeline ?? realTimeline;
  let store: PresenceStore;
  const id = (p: string) => `${p}-${newTimeOrderedId()}`;

  beforeAll(async () => {
    store = await harness.create();
  });
  afterAll(() => harness.close());

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('routes every device of a user, and nobody else', async () => {
    const [u, other, node] = [id('u'), id('u'), id('n')];
    await store.connect({ userId: u, connectionId: 'c1', nodeId: node }, TTL);
    await store.connect({ userId: u, connectionId: 'c2', nodeId: 'node-b' }, TTL);
    const routes = await store.routesOf([u, other]);
    expect(routes.has(other)).toBe(false);
    expect(routes.get(u)?.sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual([
      { userId: u, connectionId: 'c1', nodeId: node },
      { userId: u, connectionId: 'c2', nodeId: 'node-b' },
    ]);
  });

  it('forgets one connection on disconnect', async () => {
    const [u, node] = [id('u'), id('n')];
    await store.connect({ userId: u, connectionId: 'c1', nodeId: node }, TTL);
    await store.connect({ userId: u, connectionId: 'c2', nodeId: node }, TTL);
    await store.disconnect({ userId: u, connectionId: 'c1', nodeId: node });
    expect((await store.routesOf([u])).get(u)).toEqual([{ userId: u, connectionId: 'c2', nodeId: node }]);
    await store.disconnect({ userId: u, connectionId: 'c2', nodeId: node });
    expect((await store.routesOf([u])).has(u)).toBe(false);
  });

  it('expires routes that are not refreshed, and keeps refreshed ones', async () => {
    const [u, v, node] = [id('u'), id('u'), id('n')];
    // TTLs far enough off that a busy machine does not outlive them between the calls; then wait past the first
    const connectedAt = time.now();
    await store.connect({ userId: u, connectionId: 'c1', nodeId: node }, 1500);
    await store.connect({ userId: v, connectionId: 'c1', nodeId: node }, 1500);
    await time.passTo(connectedAt + 750);
    await store.refresh(node, [{ userId: v, connectionId: 'c1', nodeId: node }], 60_000);
    await time.passTo(connectedAt + 1500);
    const routes = await store.routesOf([u, v]);
    expect(routes.has(u)).toBe(false);
    expect(routes.get(v)).toHaveLength(1);
  });

  it('restores on refresh the routes removed while their node was thought dead (a heartbeat upserts)', async () => {
    // the push node's heartbeat relies on it: a node declared dead and reaped while alive gets its routes back
    const [u, node] = [id('u'), id('n')];
    const route = { userId: u, connectionId: 'c1', nodeId: node };
    await store.connect(route, TTL);
    expect(await store.removeNode(node)).toEqual([u]);
    expect((await store.routesOf([u])).has(u)).toBe(false);
    await store.refresh(node, [route], TTL);
    expect((await store.routesOf([u])).get(u)).toEqual([route]);
    // and removeNode knows it belongs to that node again
    expect(await store.removeNode(node)).toEqual([u]);
  });

  it('removes every route of a dead node and keeps the others', async () => {
    const [u, v, dead, alive] = [id('u'), id('u'), id('n'), id('n')];
    await store.connect({ userId: u, connectionId: 'c1', nodeId: dead }, TTL);
    await store.connect({ userId: u, connectionId: 'c2', nodeId: alive }, TTL);
    await store.connect({ userId: v, connectionId: 'c1', nodeId: dead }, TTL);
    expect((await store.removeNode(dead)).sort()).toEqual([u, v].sort());
    const routes = await store.routesOf([u, v]);
    expect(routes.get(u)).toEqual([{ userId: u, connectionId: 'c2', nodeId: alive }]);
    expect(routes.has(v)).toBe(false);
    expect(await store.removeNode(dead)).toEqual([]);
  });

  it('looks up many users at once', async () => {
    const node = id('n');
    const users = Array.from({ length: 200 }, () => id('u'));
    for (const u of users) await store.connect({ userId: u, connectionId: 'c', nodeId: node }, TTL);
    const routes = await store.routesOf(users);
    expect(routes.size).toBe(200);
  });

  it('looks up a crowd of mostly offline users, repeated ones once, each online one with its own routes', async () => {
    const node = id('n');
    const users = Array.from({ length: 1000 }, () => id('u'));
    const online = users.filter((_, i) => i % 10 === 3);
    for (const u of online) {
      await store.connect({ userId: u, connectionId: 'phone', nodeId: node }, TTL);
      await store.connect({ userId: u, connectionId: 'web', nodeId: `${node}-b` }, TTL);
    }
    const routes = await store.routesOf([...users, online[0]]);
    expect([...routes.keys()].sort()).toEqual([...online].sort());
    for (const u of online)
      expect(routes.get(u)?.sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual([
        { userId: u, connectionId: 'phone', nodeId: node },
        { userId: u, connectionId: 'web', nodeId: `${node}-b` },
      ]);
  });
}
