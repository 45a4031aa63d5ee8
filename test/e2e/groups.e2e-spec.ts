import { groupConversationId, PushMessage, SendMessageResponse, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { DEPLOYMENTS, RunningDeployment } from './deployments';
import { befriend, collect, newUser } from './standalone-harness';

describe.each(DEPLOYMENTS)('groups and group messages ($name)', (deployment) => {
  let server: RunningDeployment;
  const clients: SwitchboardClient[] = [];
  const user = async (prefix = 'g') => {
    const c = await newUser(server.baseUrl, prefix);
    clients.push(c);
    return c;
  };
  /** Another device of the same user. */
  const secondDevice = async (of: SwitchboardClient) => {
    const c = new SwitchboardClient({ baseUrl: server.baseUrl, ackDelayMs: 10, gapWaitMs: 50 });
    clients.push(c);
    await c.login(of.session!.user.username, 'password-123');
    return c;
  };
  const pushOf = (seen: PushMessage[], type: WireType, match: (m: PushMessage) => boolean, what: string) =>
    waitFor(() => seen.find((m) => m.type === type && match(m)), EVENTUALLY_MS, what);
  const groupBodies = (messages: PushMessage[]) =>
    messages.filter((m) => m.type === WireType.GroupMessage).map((m) => m.body);
  const error = (status: number, code: string) =>
    expect.objectContaining({ status, body: expect.objectContaining({ code }) });
  const MISSING = '00000000-0000-7000-8000-000000000000';

  /** A group owned by `owner` with `members` added directly (only friends can be). */
  const groupOf = async (owner: SwitchboardClient, ...members: SwitchboardClient[]) => {
    const group = await owner.createGroup(`group ${Date.now() % 10000}`);
    const friends = new Set((await owner.friends()).map((f) => f.id));
    for (const m of members) {
      if (!friends.has(m.userId)) await befriend(owner, m);
      await owner.invite(group.id, m.userId);
    }
    return group;
  };

  beforeAll(async () => {
    server = await deployment.start();
  }, 180_000);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.stop();
  }, 60_000);

  it('runs the whole lifecycle: create, invite, roles, apply → 204, approve → 206, reject → 207, transfer, remove, leave, dissolve', async () => {
    const [alice, bob, carol, dave, eve] = [
      await user('alice'),
      await user('bob'),
      await user('carol'),
      await user('dave'),
      await user('eve'),
    ];
    const [atAlice, atBob, atCarol, atDave] = [collect(alice), collect(bob), collect(carol), collect(dave)];
    await Promise.all([alice.connect(), bob.connect(), carol.connect(), dave.connect()]);

    const group = await alice.createGroup('  Climbing crew ');
    expect(group).toMatchObject({
      name: 'Climbing crew',
      ownerId: alice.userId,
      role: 'owner',
      memberCount: 1,
      conversationId: groupConversationId(group.id),
    });
    expect(await alice.groups()).toEqual([expect.objectContaining({ id: group.id, role: 'owner' })]);

    // add a friend → 206 to the group, the new member included
    await befriend(alice, bob);
    await alice.invite(group.id, bob.userId);
    await pushOf(atBob, WireType.GroupJoinApproved, (m) => m.data?.userId === bob.userId, 'bob hears he joined');
    await pushOf(atAlice, WireType.GroupJoinApproved, (m) => m.data?.userId === bob.userId, 'alice hears bob joined');
    await expect(alice.invite(group.id, bob.userId)).rejects.toEqual(error(409, 'ALREADY_GROUP_MEMBER'));
    await expect(alice.invite(group.id, MISSING)).rejects.toEqual(error(404, 'USER_NOT_FOUND'));
    await expect(bob.setGroupRole(group.id, bob.userId, 'admin')).rejects.toEqual(
      error(403, 'GROUP_PERMISSION_DENIED'),
    );
    await alice.setGroupRole(group.id, bob.userId, 'admin');

    // apply → 204 to owner and admins only
    const { id: carolRequest } = await carol.requestToJoin(group.id, 'let me in');
    for (const seen of [atAlice, atBob]) {
      const received = await pushOf(
        seen,
        WireType.GroupJoinRequestReceived,
        (m) => m.data?.requestId === carolRequest,
        '204 to owner and admin',
      );
      expect(received).toMatchObject({
        senderId: carol.userId,
        groupId: group.id,
        body: 'let me in',
        data: { groupId: group.id, from: { id: carol.userId } },
      });
    }
    await expect(carol.requestToJoin(group.id)).rejects.toEqual(error(409, 'GROUP_JOIN_REQUEST_EXISTS'));
    expect((await bob.joinRequests(group.id)).map((r) => r.id)).toEqual([carolRequest]);
    // outsiders do not see the group; the applicant cannot approve themselves
    await expect(eve.approveJoin(group.id, carolRequest)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(carol.approveJoin(group.id, carolRequest)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));

    // approve (by an admin) → 206 to the whole group, the new member included
    expect(await bob.approveJoin(group.id, carolRequest)).toMatchObject({ id: carolRequest, status: 'approved' });
    for (const seen of [atAlice, atBob, atCarol])
      await pushOf(
        seen,
        WireType.GroupJoinApproved,
        (m) => m.data?.requestId === carolRequest && m.data?.userId === carol.userId,
        '206 to the group',
      );
    await expect(alice.approveJoin(group.id, carolRequest)).rejects.toEqual(
      error(409, 'GROUP_JOIN_REQUEST_NOT_PENDING'),
    );

    // a plain member may not decide; reject → 207 to the applicant
    const { id: daveRequest } = await dave.requestToJoin(group.id);
    await expect(carol.approveJoin(group.id, daveRequest)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(carol.rejectJoin(group.id, daveRequest)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(carol.joinRequests(group.id)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    expect(await alice.rejectJoin(group.id, daveRequest)).toMatchObject({ status: 'rejected' });
    const rejected = await pushOf(atDave, WireType.RequestRejected, (m) => m.data?.requestId === daveRequest, '207');
    expect(rejected.data).toMatchObject({ kind: 'group', groupId: group.id });
    expect(atDave.some((m) => m.type === WireType.GroupJoinApproved)).toBe(false);
    await expect(dave.group(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));

    // info and members: members only
    expect(await carol.group(group.id)).toMatchObject({ id: group.id, role: 'member', memberCount: 3 });
    const members = await carol.groupMembers(group.id);
    expect(members.map((m) => [m.id, m.role])).toEqual([
      [alice.userId, 'owner'],
      [bob.userId, 'admin'],
      [carol.userId, 'member'],
    ]);
    expect(members[0]).toMatchObject({ username: alice.session!.user.username, joinedAt: expect.any(String) });
    await expect(eve.group(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(eve.groupMembers(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(eve.group(MISSING)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(eve.requestToJoin(MISSING)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(carol.requestToJoin(group.id)).rejects.toEqual(error(409, 'ALREADY_GROUP_MEMBER'));

    // rename: owner or admin
    await expect(carol.renameGroup(group.id, 'mine now')).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(eve.renameGroup(group.id, 'mine now')).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    expect(await bob.renameGroup(group.id, 'Crew')).toMatchObject({ name: 'Crew', role: 'admin' });

    // the owner cannot leave; transfer to a member only, by the owner only
    await expect(alice.leaveGroup(group.id)).rejects.toEqual(error(409, 'GROUP_OWNER_CANNOT_LEAVE'));
    await expect(bob.transferGroup(group.id, carol.userId)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(alice.transferGroup(group.id, eve.userId)).rejects.toEqual(error(404, 'GROUP_MEMBER_NOT_FOUND'));
    expect(await alice.transferGroup(group.id, bob.userId)).toMatchObject({ ownerId: bob.userId, role: 'admin' });
    expect((await carol.groupMembers(group.id)).map((m) => m.role)).toEqual(['admin', 'owner', 'member']);

    // remove: admins remove plain members, not admins or the owner; members remove nobody
    await expect(carol.removeMember(group.id, alice.userId)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(alice.removeMember(group.id, bob.userId)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    await expect(alice.removeMember(group.id, eve.userId)).rejects.toEqual(error(404, 'GROUP_MEMBER_NOT_FOUND'));
    await alice.removeMember(group.id, carol.userId);
    await expect(carol.group(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    expect(await carol.groups()).toEqual([]);

    // leave; then dissolve: owner only
    await alice.leaveGroup(group.id);
    expect((await bob.groupMembers(group.id)).map((m) => m.id)).toEqual([bob.userId]);
    await befriend(bob, dave);
    await bob.invite(group.id, dave.userId);
    await expect(dave.dissolveGroup(group.id)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    const { id: eveRequest } = await eve.requestToJoin(group.id);
    await bob.dissolveGroup(group.id);
    for (const u of [bob, dave]) {
      await expect(u.group(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
      expect(await u.groups()).toEqual([]);
    }
    await expect(bob.dissolveGroup(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(eve.requestToJoin(group.id)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
    await expect(bob.approveJoin(group.id, eveRequest)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
  });

  it('fans a group message out to every online member’s devices in order, and to offline members through the inbox', async () => {
    const [alice, bob, carol, dave] = [await user('alice'), await user('bob'), await user('carol'), await user('dave')];
    const group = await groupOf(alice, bob, carol, dave);
    const [alice2, bob2] = [await secondDevice(alice), await secondDevice(bob)];
    const online = [alice2, bob, bob2, carol];
    const seen = online.map(collect);
    await Promise.all(online.map((c) => c.connect()));

    const sent: SendMessageResponse[] = [];
    for (let i = 0; i < 15; i++) sent.push(await alice.sendToGroup(group.id, `m${i}`));
    const expected = Array.from({ length: 15 }, (_, i) => `m${i}`);
    for (const [i, messages] of seen.entries())
      await waitFor(() => groupBodies(messages).length === 15, EVENTUALLY_MS, `online device ${i} receives 15`);
    for (const messages of seen) expect(groupBodies(messages)).toEqual(expected);
    expect(seen[2].find((m) => m.type === WireType.GroupMessage)).toMatchObject({
      type: WireType.GroupMessage,
      messageId: sent[0].messageId,
      senderId: alice.userId,
      groupId: group.id,
      conversationId: groupConversationId(group.id),
      body: 'm0',
    });
    expect(sent[0]).toMatchObject({ conversationId: groupConversationId(group.id), seq: expect.any(Number) });
    // the answer's seq is the sender's own: alice's other device got the message under that seq
    expect(seen[0].find((m) => m.messageId === sent[14].messageId)?.seq).toBe(sent[14].seq);

    // dave was offline: the inbox has every message, replayed in order on connect, then live ones follow
    const groupEntries = async () => (await dave.inbox(0)).entries.filter((e) => e.type === WireType.GroupMessage);
    await waitFor(async () => (await groupEntries()).length === expected.length, EVENTUALLY_MS, 'dave’s inbox written');
    const inbox = await dave.inbox(0);
    expect(inbox.entries.filter((e) => e.type === WireType.GroupMessage).map((e) => e.body)).toEqual(expected);
    const atDave = collect(dave);
    await dave.connect();
    await bob.sendToGroup(group.id, 'live');
    await waitFor(() => groupBodies(atDave).includes('live'), EVENTUALLY_MS, 'dave gets the live one');
    expect(groupBodies(atDave)).toEqual([...expected, 'live']);
    const seqs = atDave.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps concurrent group sends in one order for every member', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const group = await groupOf(alice, bob, carol);
    const [atBob, atCarol] = [collect(bob), collect(carol)];
    await Promise.all([bob.connect(), carol.connect()]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? alice : carol).sendToGroup(group.id, `c${i}`)));
    await waitFor(
      () => groupBodies(atBob).length === 20 && groupBodies(atCarol).length === 20,
      EVENTUALLY_MS,
      'all arrive',
    );
    // each member's inbox gets the messages in the order dispatch accepted them: the same order for everyone
    expect(groupBodies(atCarol)).toEqual(groupBodies(atBob));
    const indexed = async () => (await bob.history(groupConversationId(group.id), { limit: 50 })).items.length;
    await waitFor(async () => (await indexed()) === groupBodies(atBob).length, EVENTUALLY_MS, 'history indexed');
    const history = await bob.history(groupConversationId(group.id), { limit: 50 });
    expect(history.items.map((m) => m.body).sort()).toEqual([...groupBodies(atBob)].sort());
  });

  it('refuses non-members, removed members, and dissolved or unknown groups; validates the recipient', async () => {
    const [alice, bob, eve] = [await user(), await user(), await user()];
    const group = await groupOf(alice, bob);
    await expect(eve.sendToGroup(group.id, 'hi')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
    await expect(eve.sendToGroup(MISSING, 'hi')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
    await expect(bob.sendToGroup(group.id, 'while a member')).resolves.toMatchObject({ messageId: expect.any(String) });
    await alice.removeMember(group.id, bob.userId);
    // the membership cache is invalidated on change: refused at once, not after the TTL
    await expect(bob.sendToGroup(group.id, 'after removal')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
    await alice.invite(group.id, bob.userId);
    await expect(bob.sendToGroup(group.id, 'back again')).resolves.toBeDefined();
    await alice.dissolveGroup(group.id);
    await expect(alice.sendToGroup(group.id, 'after dissolve')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));

    const send = (to: unknown) => alice.http.request('POST', '/messages', { to, body: 'x', clientMsgId: 'v1' });
    await expect(send({ userId: bob.userId, groupId: group.id })).rejects.toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', message: expect.arrayContaining([expect.stringMatching(/not both/)]) },
    });
    await expect(send({ groupId: 'not-a-uuid' })).rejects.toMatchObject({
      status: 400,
      body: { message: expect.arrayContaining([expect.stringMatching(/to\.groupId/)]) },
    });
    await expect(send({})).rejects.toMatchObject({
      status: 400,
      body: { message: expect.arrayContaining([expect.stringMatching(/to\.userId/)]) },
    });
    await expect(send({ groupId: group.id, extra: 1 })).rejects.toMatchObject({ status: 400 });
  });

  it('shows a group’s history and search to its members only', async () => {
    const [alice, bob, eve] = [await user(), await user(), await user()];
    const group = await groupOf(alice, bob);
    const conversationId = groupConversationId(group.id);
    const word = `rambutan${Date.now()}`;
    const first = await alice.sendToGroup(group.id, `alice says ${word}`);
    await bob.sendToGroup(group.id, 'second');
    // history is written by the storage-worker after the 201 on the split (at once in one process)
    await waitFor(async () => (await bob.history(conversationId)).items.length === 2, EVENTUALLY_MS, 'history indexed');

    const page1 = await bob.history(conversationId, { limit: 1 });
    expect(page1.items.map((m) => m.body)).toEqual(['second']);
    const page2 = await bob.history(conversationId, { limit: 1, before: page1.nextBefore });
    expect(page2.items).toEqual([
      expect.objectContaining({ messageId: first.messageId, groupId: group.id, type: WireType.GroupMessage }),
    ]);
    expect((await bob.search(word)).map((m) => m.messageId)).toEqual([first.messageId]);
    expect((await bob.search(word, conversationId)).map((m) => m.messageId)).toEqual([first.messageId]);
    expect(await bob.conversations()).toEqual([
      expect.objectContaining({
        conversationId,
        groupId: group.id,
        lastMessage: expect.objectContaining({ body: 'second' }),
      }),
    ]);

    await expect(eve.history(conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
    await expect(eve.search(word, conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
    expect(await eve.search(word)).toEqual([]);
    expect(await eve.conversations()).toEqual([]);

    // a removed member loses access
    await alice.removeMember(group.id, bob.userId);
    await expect(bob.history(conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
    expect(await bob.search(word)).toEqual([]);
    expect(await alice.search(word)).toHaveLength(1);
  });

  it('answers a retried group send with the first answer and creates nothing new', async () => {
    const [alice, bob] = [await user(), await user()];
    const group = await groupOf(alice, bob);
    const first = await alice.sendToGroup(group.id, 'once', 'group-retry-1');
    const again = await alice.sendToGroup(group.id, 'once', 'group-retry-1');
    expect(again).toEqual(first);
    await waitFor(async () => (await bob.history(first.conversationId)).items.length > 0, EVENTUALLY_MS, 'stored');
    const chat = (await bob.inbox(0)).entries.filter((e) => e.type === WireType.GroupMessage);
    expect(chat.map((e) => e.messageId)).toEqual([first.messageId]);
    expect((await bob.history(first.conversationId)).items.map((m) => m.messageId)).toEqual([first.messageId]);
    // concurrent retries too
    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, () => alice.sendToGroup(group.id, 'burst', 'group-retry-2')),
    );
    const ok = burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value.messageId] : []));
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok).size).toBe(1);
    for (const r of burst) if (r.status === 'rejected') expect(r.reason).toEqual(error(409, 'SEND_IN_PROGRESS'));
    await waitFor(async () => (await alice.sendToGroup(group.id, 'burst', 'group-retry-2').catch(() => null)) !== null);
    // on the split the members' inbox rows are written by the storage-worker after the 201: wait for them
    const stored = async () => (await bob.history(first.conversationId)).items.map((m) => m.body);
    await waitFor(async () => (await stored()).includes('burst'), EVENTUALLY_MS, 'burst stored');
    const inbox = async () =>
      (await bob.inbox(0)).entries.filter((e) => e.type === WireType.GroupMessage).map((e) => e.body);
    await waitFor(async () => (await inbox()).includes('burst'), EVENTUALLY_MS, 'burst in the inbox');
    expect(await inbox()).toEqual(['once', 'burst']);
    expect((await stored()).sort()).toEqual(['burst', 'once']);
  });
  it('documents every group call in Swagger', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const calls = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((op) => `${op} ${path}`));
    expect(calls).toEqual(
      expect.arrayContaining([
        'post /api/v1/groups',
        'get /api/v1/groups',
        'get /api/v1/groups/{id}',
        'patch /api/v1/groups/{id}',
        'delete /api/v1/groups/{id}',
        'get /api/v1/groups/{id}/members',
        'post /api/v1/groups/{id}/members',
        'delete /api/v1/groups/{id}/members/{userId}',
        'patch /api/v1/groups/{id}/members/{userId}',
        'post /api/v1/groups/{id}/transfer',
        'post /api/v1/groups/{id}/join-requests',
        'get /api/v1/groups/{id}/join-requests',
        'post /api/v1/groups/{id}/join-requests/{rid}/approve',
        'post /api/v1/groups/{id}/join-requests/{rid}/reject',
      ]),
    );
  });
});
