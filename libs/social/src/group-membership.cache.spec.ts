import type { GroupsRepository } from '@app/persistence';
import { InProcessInvalidationBus } from '@app/embedded';
import { LossyInvalidationBus } from '@app/testing';
import { GroupMembershipCache } from './group-membership.cache';

/** A repository whose memberIds calls stay open until the test settles them. */
function fakeRepository() {
  const calls: { groupId: string; resolve: (ids: string[]) => void; reject: (e: Error) => void }[] = [];
  const repo = {
    memberIds: jest.fn(
      (groupId: string) => new Promise<string[]>((resolve, reject) => calls.push({ groupId, resolve, reject })),
    ),
  };
  return { repo, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('GroupMembershipCache', () => {
  let now: number;
  const clock = { now: () => now };
  beforeEach(() => (now = 1_000_000));

  it('makes one query for a burst of concurrent reads on a cold cache (single flight)', async () => {
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock);
    const reads = Array.from({ length: 500 }, (_, i) => (i % 2 ? cache.memberIds('g1') : cache.isMember('g1', 'u1')));
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(1);
    calls[0].resolve(['u1', 'u2']);
    const results = await Promise.all(reads);
    expect(results[0]).toBe(true);
    expect(results[1]).toEqual(['u1', 'u2']);
    // served from the cache until the TTL passes
    now += 1999;
    expect(await cache.memberIds('g1')).toEqual(['u1', 'u2']);
    expect(repo.memberIds).toHaveBeenCalledTimes(1);
  });

  it('keeps one flight per group, and reloads after the TTL', async () => {
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock, { ttlMs: 2000 });
    const a = [cache.memberIds('a'), cache.memberIds('a')];
    const b = cache.memberIds('b');
    await flush();
    expect(calls.map((c) => c.groupId)).toEqual(['a', 'b']);
    calls[0].resolve(['x']);
    calls[1].resolve(['y']);
    expect(await Promise.all([...a, b])).toEqual([['x'], ['x'], ['y']]);
    now += 2001; // past the TTL
    const again = [cache.memberIds('a'), cache.memberIds('a')];
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(3);
    calls[2].resolve(['x', 'z']);
    expect(await Promise.all(again)).toEqual([
      ['x', 'z'],
      ['x', 'z'],
    ]);
  });

  it('does not cache a failed load: the next read tries again', async () => {
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock);
    const reads = [cache.memberIds('g'), cache.memberIds('g')];
    await flush();
    calls[0].reject(new Error('db down'));
    for (const r of reads) await expect(r).rejects.toThrow('db down');
    const retry = cache.memberIds('g');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(2);
    calls[1].resolve(['u']);
    expect(await retry).toEqual(['u']);
  });

  it('invalidate drops the entry, and a load in flight at that moment does not store its stale answer', async () => {
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock);
    const stale = cache.memberIds('g');
    await flush();
    cache.invalidate('g'); // a member joined while the first load was reading
    const fresh = cache.memberIds('g');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(2);
    calls[1].resolve(['u1', 'u2']);
    calls[0].resolve(['u1']);
    expect(await stale).toEqual(['u1']);
    expect(await fresh).toEqual(['u1', 'u2']);
    expect(await cache.memberIds('g')).toEqual(['u1', 'u2']);
    expect(repo.memberIds).toHaveBeenCalledTimes(2);
    cache.invalidate('g');
    const after = cache.memberIds('g');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(3);
    calls[2].resolve([]);
    expect(await after).toEqual([]);
  });

  it('keeps at most maxGroups entries, dropping the oldest loaded', async () => {
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock, { maxGroups: 2 });
    for (const g of ['a', 'b', 'c']) {
      const read = cache.memberIds(g);
      await flush();
      calls[calls.length - 1].resolve([g]);
      await read;
    }
    void cache.memberIds('b');
    void cache.memberIds('c');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(3);
    const a = cache.memberIds('a');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(4);
    calls[3].resolve(['a']);
    expect(await a).toEqual(['a']);
  });

  it('drops an entry that another process invalidated through the bus, and tells the others of its own changes', async () => {
    const bus = new InProcessInvalidationBus();
    const { repo, calls } = fakeRepository();
    const here = new GroupMembershipCache(repo as unknown as GroupsRepository, clock, {}, bus);
    const elsewhere = new GroupMembershipCache(repo as unknown as GroupsRepository, clock, {}, bus);
    await Promise.all([here.onModuleInit(), elsewhere.onModuleInit()]);
    const first = here.memberIds('g1');
    await flush();
    calls[0].resolve(['u1', 'u2']);
    expect(await first).toEqual(['u1', 'u2']);
    elsewhere.invalidate('g1'); // u2 was removed through another gateway
    const second = here.memberIds('g1');
    await flush();
    expect(repo.memberIds).toHaveBeenCalledTimes(2);
    calls[1].resolve(['u1']);
    expect(await second).toEqual(['u1']);
    await Promise.all([here.onModuleDestroy(), elsewhere.onModuleDestroy()]);
  });
});

describe('GroupMembershipCache while the invalidation bus may be losing notices', () => {
  const clock = { now: () => 1_000_000 };

  it('drops what it holds, keeps nothing it reads meanwhile, and caches again once the bus is back in sync', async () => {
    const bus = new LossyInvalidationBus();
    const { repo, calls } = fakeRepository();
    const cache = new GroupMembershipCache(repo as unknown as GroupsRepository, clock, {}, bus);
    await cache.onModuleInit();
    /** Reads g1; a read that reaches the repository is answered `ids`. Resolves to [answer, repository reached]. */
    const read = async (ids: string[]): Promise<[readonly string[], boolean]> => {
      const before = calls.length;
      const answer = cache.memberIds('g1');
      await flush();
      if (calls.length > before) calls[before].resolve(ids);
      return [await answer, calls.length > before];
    };
    expect(await read(['u1', 'u2'])).toEqual([['u1', 'u2'], true]);
    expect(await read([])).toEqual([['u1', 'u2'], false]);
    // a load under way when the connection drops is answered but not kept
    const cold = cache.memberIds('g2');
    await flush();
    bus.lose();
    calls[1].resolve(['u3']);
    expect(await cold).toEqual(['u3']);
    // what was cached is dropped, and while notices may be lost (u2 leaving through another gateway) nothing is kept
    expect(await read(['u1'])).toEqual([['u1'], true]);
    expect(await read(['u1'])).toEqual([['u1'], true]);
    void cache.memberIds('g2');
    await flush();
    expect(calls.map((c) => c.groupId)).toEqual(['g1', 'g2', 'g1', 'g1', 'g2']);
    calls[4].resolve(['u3']);
    bus.resume();
    expect(await read(['u1'])).toEqual([['u1'], true]);
    expect(await read([])).toEqual([['u1'], false]);
    await cache.onModuleDestroy();
  });
});
