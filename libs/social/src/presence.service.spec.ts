import { HistoryStore, newTimeOrderedId, PushBroadcaster } from '@app/core';
import { EmbeddedDatabase, InMemoryPresenceStore, InProcessPresenceEvents, SqliteLastSeenStore } from '@app/embedded';
import { GroupsRepository, PersistenceModule, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { PresenceEvent, WireType } from '@app/protocol';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AccessPolicy } from './access-policy';
import { GroupMembershipCache } from './group-membership.cache';
import { PresenceService } from './presence.service';
import { SocialGraphCache } from './social-graph.cache';

/**
 * Friends' presence on the embedded adapters (in-memory routes, SQLite last-seen) and the real policy over the
 * relational store (SQLite in memory); the broadcaster is a fake recording who was told what.
 */
describe('PresenceService', () => {
  let moduleRef: TestingModule;
  let users: UsersRepository;
  let graph: SocialGraphRepository;
  let database: EmbeddedDatabase;
  let routes: InMemoryPresenceStore;
  let lastSeen: SqliteLastSeenStore;
  let pushed: { to: string[]; event: PresenceEvent }[];
  let service: PresenceService;
  // ann is friends with bob, cid and dan; dan blocks ann; eve is nobody's friend
  let ann: string, bob: string, cid: string, dan: string, eve: string;
  const at = Date.parse('2026-12-02T10:00:00.000Z');

  const broadcaster = {
    presence: async (to: string[], event: PresenceEvent) => void pushed.push({ to: [...to].sort(), event }),
  } as unknown as PushBroadcaster;
  const newUser = async (name: string) => {
    const id = newTimeOrderedId();
    await users.create({ id, username: `${name}_${id.slice(-12)}`, nickname: name, passwordHash: 'x', createdAt: at });
    return id;
  };
  const befriend = async (a: string, b: string) => {
    const request = await graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId: a,
      toUserId: b,
      message: null,
      createdAt: at,
    });
    await graph.decideFriendRequest(request, 'accepted', at);
  };
  const connect = (userId: string) => routes.connect({ userId, connectionId: `c-${userId}`, nodeId: 'n1' }, 60_000);
  const byUser = <T extends { userId: string }>(list: T[]) =>
    [...list].sort((x, y) => x.userId.localeCompare(y.userId));
  const disconnect = (userId: string) => routes.disconnect({ userId, connectionId: `c-${userId}`, nodeId: 'n1' });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ kind: 'sqlite', file: ':memory:' })],
    }).compile();
    users = moduleRef.get(UsersRepository);
    graph = moduleRef.get(SocialGraphRepository);
  });
  afterAll(() => moduleRef.close());

  beforeEach(async () => {
    pushed = [];
    database = new EmbeddedDatabase(':memory:');
    routes = new InMemoryPresenceStore();
    lastSeen = new SqliteLastSeenStore(database);
    const groups = moduleRef.get(GroupsRepository);
    const history = { find: async () => undefined } as unknown as HistoryStore;
    const policy = new AccessPolicy(
      new SocialGraphCache(graph),
      new GroupMembershipCache(groups, { now: () => at }),
      users,
      groups,
      history,
    );
    service = new PresenceService(policy, routes, new InProcessPresenceEvents(), lastSeen, broadcaster);
    [ann, bob, cid, dan, eve] = await Promise.all(['ann', 'bob', 'cid', 'dan', 'eve'].map(newUser));
    for (const f of [bob, cid, dan]) await befriend(ann, f);
    await graph.block(dan, ann, at);
  });
  afterEach(() => database.close());

  it('an online change reaches the user’s friends with no block either way', async () => {
    await connect(ann);
    await service.handle({ userId: ann, online: true, at });
    expect(pushed).toEqual([
      { to: [bob, cid].sort(), event: { type: WireType.Presence, data: { userId: ann, online: true } } },
    ]);
    expect(await lastSeen.lastSeenOf([ann])).toEqual(new Map());
  });

  it('an offline change records last-seen and carries it to the friends', async () => {
    await service.handle({ userId: ann, online: false, at });
    expect(pushed).toEqual([
      {
        to: [bob, cid].sort(),
        event: { type: WireType.Presence, data: { userId: ann, online: false, lastSeen: new Date(at).toISOString() } },
      },
    ]);
    expect(await lastSeen.lastSeenOf([ann])).toEqual(new Map([[ann, at]]));
  });

  it('drops a change the routes no longer agree with, so friends converge on the truth', async () => {
    await connect(ann); // came back before the offline was handled
    await service.handle({ userId: ann, online: false, at });
    await disconnect(ann); // gone again before the online was handled
    await service.handle({ userId: ann, online: true, at: at + 1 });
    expect(pushed).toEqual([]);
    expect(await lastSeen.lastSeenOf([ann])).toEqual(new Map());
  });

  it('tells nobody about a user without friends, a block hiding presence both ways', async () => {
    await service.handle({ userId: eve, online: false, at });
    await connect(dan);
    await service.handle({ userId: dan, online: true, at });
    expect(pushed).toEqual([]);
    expect(await lastSeen.lastSeenOf([eve])).toEqual(new Map([[eve, at]]));
  });

  it('lists the friends’ presence: online, offline with last-seen, or never seen; none across a block', async () => {
    await connect(bob);
    await connect(dan);
    await service.handle({ userId: cid, online: false, at });
    expect(byUser(await service.ofFriends(ann))).toEqual(
      byUser([
        { userId: bob, online: true },
        { userId: cid, online: false, lastSeen: new Date(at).toISOString() },
      ]),
    );
    await lastSeen.record(bob, at);
    await disconnect(bob);
    expect((await service.ofFriends(ann)).find((p) => p.userId === bob)).toEqual({
      userId: bob,
      online: false,
      lastSeen: new Date(at).toISOString(),
    });
    expect(await service.ofFriends(dan)).toEqual([]);
    expect(await service.ofFriends(eve)).toEqual([]);
    await connect(ann);
    expect(await service.ofFriends(bob)).toEqual([{ userId: ann, online: true }]);
  });
});
