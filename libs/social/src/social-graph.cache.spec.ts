import type { SocialGraphRepository } from '@app/persistence';
import { LossyInvalidationBus } from '@app/testing';
import { SocialGraphCache } from './social-graph.cache';

/** A repository answering from a graph the test changes, counting the loads (each reads all three relations). */
function fakeGraph() {
  const graph = { friends: new Map<string, string[]>(), blocks: new Map<string, string[]>() };
  const repo = {
    friendIds: jest.fn(async (userId: string) => graph.friends.get(userId) ?? []),
    blockedBy: jest.fn(async (userId: string) => graph.blocks.get(userId) ?? []),
    blockersOf: jest.fn(async (userId: string) =>
      [...graph.blocks].filter(([, blocked]) => blocked.includes(userId)).map(([blocker]) => blocker),
    ),
  };
  return { graph, repo, loads: () => repo.friendIds.mock.calls.length };
}

describe('SocialGraphCache while the invalidation bus may be losing notices', () => {
  it('drops what it holds, keeps nothing it reads meanwhile, and caches again once the bus is back in sync', async () => {
    const bus = new LossyInvalidationBus();
    const { graph, repo, loads } = fakeGraph();
    const here = new SocialGraphCache(repo as unknown as SocialGraphRepository, {}, bus);
    const elsewhere = new SocialGraphCache(repo as unknown as SocialGraphRepository, {}, bus);
    await Promise.all([here.onModuleInit(), elsewhere.onModuleInit()]);
    graph.friends.set('alice', ['bob']);
    expect([...(await here.relations('alice')).friends]).toEqual(['bob']);
    expect([...(await here.relations('alice')).friends]).toEqual(['bob']);
    expect(loads()).toBe(1);

    bus.lose();
    // alice blocks bob through another gateway: its notice is lost, so no read may come from memory
    graph.blocks.set('alice', ['bob']);
    await elsewhere.invalidate('alice', 'bob');
    expect([...(await here.relations('alice')).blocks]).toEqual(['bob']);
    expect([...(await here.relations('bob')).blockedBy]).toEqual(['alice']);
    expect([...(await here.relations('alice')).blocks]).toEqual(['bob']);
    expect(loads()).toBe(4);

    bus.resume();
    await here.relations('alice');
    await here.relations('alice');
    expect(loads()).toBe(5);
    await Promise.all([here.onModuleDestroy(), elsewhere.onModuleDestroy()]);
  });

  it('does not keep a load that was under way when the bus lost its connection', async () => {
    const bus = new LossyInvalidationBus();
    const { graph, repo, loads } = fakeGraph();
    const cache = new SocialGraphCache(repo as unknown as SocialGraphRepository, {}, bus);
    await cache.onModuleInit();
    graph.friends.set('alice', ['bob']);
    const underWay = cache.relations('alice');
    bus.lose();
    bus.resume();
    expect([...(await underWay).friends]).toEqual(['bob']);
    graph.friends.set('alice', []); // unfriended while the notice was lost
    expect([...(await cache.relations('alice')).friends]).toEqual([]);
    expect(loads()).toBe(2);
    await cache.onModuleDestroy();
  });
});
