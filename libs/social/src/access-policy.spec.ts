import { ErrorCode, HistoryRecord, HistoryStore } from '@app/core';
import { InProcessInvalidationBus } from '@app/embedded';
import type { GroupRole, GroupsRepository, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { AccessPolicy } from './access-policy';
import type { GroupMembershipCache } from './group-membership.cache';
import { SocialGraphCache } from './social-graph.cache';

/** An in-memory social graph behind the repository's read methods, counting the reads. */
function world() {
  const friends = new Set<string>();
  const blocks = new Set<string>(); // `${blocker}>${blocked}`
  const members = new Map<string, Map<string, GroupRole>>();
  const reads = { count: 0 };
  const pair = (a: string, b: string) => [a, b].sort().join(':');
  const graph = {
    friendIds: async (u: string) => {
      reads.count++;
      return [...friends].flatMap((p) => p.split(':')).filter((x) => x !== u && friends.has(pair(u, x)));
    },
    blockedBy: async (u: string) => [...blocks].filter((b) => b.startsWith(`${u}>`)).map((b) => b.split('>')[1]),
    blockersOf: async (u: string) => [...blocks].filter((b) => b.endsWith(`>${u}`)).map((b) => b.split('>')[0]),
  } as unknown as SocialGraphRepository;
  const users = {
    findById: async (id: string) => (id.startsWith('missing') ? null : { id }),
  } as unknown as UsersRepository;
  const groups = {
    findActiveGroup: async (id: string) => (members.has(id) ? { id, name: id } : null),
    role: async (g: string, u: string) => members.get(g)?.get(u) ?? null,
    members: async (g: string) => [...(members.get(g) ?? [])].map(([userId, role]) => ({ userId, role })),
    groupIdsOf: async (u: string) => [...members].filter(([, m]) => m.has(u)).map(([g]) => g),
  } as unknown as GroupsRepository;
  const membership = {
    memberIds: async (g: string) => [...(members.get(g)?.keys() ?? [])],
  } as unknown as GroupMembershipCache;
  const stored = new Map<string, HistoryRecord>();
  const history = { find: async (id: string) => stored.get(id) } as unknown as HistoryStore;
  return { friends, blocks, members, reads, pair, graph, users, groups, membership, history, stored };
}

describe('AccessPolicy', () => {
  let w: ReturnType<typeof world>;
  let bus: InProcessInvalidationBus;
  let cache: SocialGraphCache;
  let policy: AccessPolicy;
  const code = (c: ErrorCode) => expect.objectContaining({ code: c });

  beforeEach(async () => {
    w = world();
    bus = new InProcessInvalidationBus();
    cache = new SocialGraphCache(w.graph, {}, bus);
    await cache.onModuleInit();
    policy = new AccessPolicy(cache, w.membership, w.users, w.groups, w.history);
    // a is friends with f, bd (whom a blocks) and br (who blocks a); s is a stranger
    for (const x of ['f', 'bd', 'br']) w.friends.add(w.pair('a', x));
    w.blocks.add('a>bd');
    w.blocks.add('br>a');
    w.members.set(
      'g',
      new Map<string, GroupRole>([
        ['a', 'owner'],
        ['f', 'member'],
        ['bd', 'member'],
      ]),
    );
  });
  afterEach(() => cache.onModuleDestroy());

  const actors: [string, string, ErrorCode | undefined][] = [
    ['friend', 'f', undefined],
    ['stranger', 's', ErrorCode.NotFriends],
    ['blocked by a', 'bd', ErrorCode.Blocked],
    ['blocker of a', 'br', ErrorCode.Blocked],
    ['nonexistent', 'missing-1', ErrorCode.UserNotFound],
  ];

  it.each(actors)('1:1 send from a to the %s', async (_name, to, expected) => {
    const result = policy.sendDirect('a', to);
    await (expected ? expect(result).rejects.toEqual(code(expected)) : expect(result).resolves.toBeUndefined());
  });

  it.each([
    ['friend', 'f', undefined],
    ['stranger', 's', ErrorCode.ConversationNotFound],
    ['blocked by a', 'bd', ErrorCode.Blocked],
    ['blocker of a', 'br', ErrorCode.Blocked],
  ] as const)('typing into d:a:%s by them', async (_name, actor, expected) => {
    const result = policy.signal(actor, `d:${[actor, 'a'].sort().join(':')}`);
    await (expected
      ? expect(result).rejects.toEqual(code(expected))
      : expect(result).resolves.toMatchObject({ recipientIds: ['a'] }));
  });

  it('signals into a conversation with oneself or a nonexistent user do not exist', async () => {
    await expect(policy.signal('a', 'd:a:a')).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    await expect(policy.signal('a', 'd:a:missing-1')).rejects.toEqual(code(ErrorCode.ConversationNotFound));
    await expect(policy.signal('s', 'g:g')).rejects.toEqual(code(ErrorCode.ConversationNotFound));
  });

  it('receipts only for a stored message of that conversation', async () => {
    w.stored.set('m1', { messageId: 'm1', conversationId: 'd:a:f' } as HistoryRecord);
    w.stored.set('m2', { messageId: 'm2', conversationId: 'g:g' } as HistoryRecord);
    await expect(policy.receipt('f', 'd:a:f', 'm1')).resolves.toMatchObject({ recipientIds: ['a'] });
    await expect(policy.receipt('f', 'd:a:f', 'made-up')).rejects.toEqual(code(ErrorCode.MessageNotFound));
    await expect(policy.receipt('f', 'd:a:f', 'm2')).rejects.toEqual(code(ErrorCode.MessageNotFound));
  });

  it('group fan-out leaves out members in a block with the actor, both ways', async () => {
    expect((await policy.sendToGroup('bd', 'g')).recipientIds).toEqual(['f', 'bd']);
    expect((await policy.sendToGroup('a', 'g')).recipientIds).toEqual(['a', 'f']);
    expect((await policy.signal('bd', 'g:g')).recipientIds).toEqual(['f']);
    await expect(policy.sendToGroup('s', 'g')).rejects.toEqual(code(ErrorCode.NotAGroupMember));
  });

  it('presence only between friends with no block either way', async () => {
    expect(await policy.presenceAudience('a')).toEqual(['f']);
    expect(await policy.presenceAudience('bd')).toEqual([]);
    expect(await policy.presenceAudience('br')).toEqual([]);
  });

  it('requests: friend requests and join requests never across a block', async () => {
    await expect(policy.friendRequest('bd', 'a')).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policy.friendRequest('br', 'a')).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policy.friendRequest('f', 'a')).rejects.toEqual(code(ErrorCode.AlreadyFriends));
    await expect(policy.friendRequest('s', 'a')).resolves.toBeUndefined();
    await expect(policy.friendRequest('s', 'missing-1')).rejects.toEqual(code(ErrorCode.UserNotFound));
    await expect(policy.joinRequest('br', 'g')).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policy.joinRequest('f', 'g')).rejects.toEqual(code(ErrorCode.AlreadyGroupMember));
    await expect(policy.joinRequest('s', 'g')).resolves.toMatchObject({ managerIds: ['a'] });
    await expect(policy.joinRequest('s', 'nope')).rejects.toEqual(code(ErrorCode.GroupNotFound));
  });

  it('adding to a group: friends directly, others by invitation, never across a block; managers only', async () => {
    expect(await policy.addMember('a', 'g', 'f')).toBe('add');
    expect(await policy.addMember('a', 'g', 's')).toBe('invite');
    await expect(policy.addMember('a', 'g', 'br')).rejects.toEqual(code(ErrorCode.Blocked));
    await expect(policy.addMember('a', 'g', 'missing-1')).rejects.toEqual(code(ErrorCode.UserNotFound));
    await expect(policy.addMember('f', 'g', 's')).rejects.toEqual(code(ErrorCode.GroupPermissionDenied));
    await expect(policy.addMember('s', 'g', 'a')).rejects.toEqual(code(ErrorCode.GroupNotFound));
  });

  it('recall: the sender only', async () => {
    const record = {
      messageId: 'm',
      senderId: 'a',
      participants: ['a', 'f'],
      conversationId: 'd:a:f',
    } as HistoryRecord;
    await expect(policy.recall('f', record)).rejects.toEqual(code(ErrorCode.Forbidden));
    expect((await policy.recall('a', record)).sort()).toEqual(['a', 'f']);
  });

  it('answers the hot path from the cache, and a change invalidated through the bus is seen at once', async () => {
    const elsewhere = new SocialGraphCache(w.graph, {}, bus);
    await elsewhere.onModuleInit();
    await policy.sendDirect('a', 'f');
    const before = w.reads.count;
    for (let i = 0; i < 100; i++) await policy.sendDirect('a', 'f');
    expect(w.reads.count).toBe(before);
    w.blocks.add('f>a');
    elsewhere.invalidate('f', 'a'); // the block was placed through another gateway
    await expect(policy.sendDirect('a', 'f')).rejects.toEqual(code(ErrorCode.Blocked));
    await elsewhere.onModuleDestroy();
  });
});
