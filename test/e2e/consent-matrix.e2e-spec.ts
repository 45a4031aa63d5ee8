import {
  directConversationId,
  groupConversationId,
  GroupInvitationView,
  PresenceEvent,
  PushMessage,
  TypingEvent,
  WireType,
} from '@app/protocol';
import { HttpClient, SwitchboardClient } from '@switchboard/client';
import { waitFor } from '@app/testing';
import { DEPLOYMENTS, RunningDeployment } from './deployments';
import { befriend, collect, newUser } from './standalone-harness';

/**
 * Consent on every channel, as a matrix: each actor (friend, stranger, blocked by A, blocker of A, group member,
 * non-member, nonexistent user) × each operation that reaches A, with the outcome expected. "Never reaches A" is
 * proven with a sentinel: a later event that must arrive on the same path (A's inbox is seq-ordered; one socket's
 * live events arrive in order), after which the refused one must be absent.
 */
describe.each(DEPLOYMENTS)('consent matrix ($name)', (deployment) => {
  let server: RunningDeployment;
  const clients: SwitchboardClient[] = [];
  const MISSING = '00000000-0000-7000-8000-000000000000';
  const user = async (prefix: string) => {
    const c = await newUser(server.baseUrl, prefix);
    clients.push(c);
    return c;
  };
  const error = (status: number, code: string) =>
    expect.objectContaining({ status, body: expect.objectContaining({ code }) });
  /** Endpoints the SDK does not have yet (group invitations). */
  const http = (c: SwitchboardClient) => {
    const h = new HttpClient(server.baseUrl);
    h.token = c.session!.accessToken;
    return h;
  };
  const inviteToGroup = (c: SwitchboardClient, groupId: string, userId: string) =>
    http(c).request<{ id: string }>('POST', `/groups/${groupId}/invitations`, { userId });
  const inHistory = (c: SwitchboardClient, conversationId: string, messageId: string) =>
    waitFor(
      async () => (await c.history(conversationId)).items.some((m) => m.messageId === messageId),
      15_000,
      `message ${messageId} in history`,
    );

  // The world: A owns group G with F (friend) and Bd (friend, then blocked by A); Br blocks A; S is a stranger.
  let a: SwitchboardClient, f: SwitchboardClient, s: SwitchboardClient;
  let blocked: SwitchboardClient, blocker: SwitchboardClient;
  let groupId: string;
  let atA: PushMessage[];
  const typingAtA: TypingEvent[] = [];
  const presenceAtBlocked: PresenceEvent[] = [];
  const typingAtBlocked: TypingEvent[] = [];
  const presenceAtF: PresenceEvent[] = [];
  let sentinels = 0;
  /** F writes to A; once it is in A's inbox, everything earlier is too. */
  const inboxSentinel = async () => {
    const body = `sentinel ${++sentinels}`;
    await f.sendToUser(a.userId, body);
    await waitFor(() => atA.find((m) => m.body === body), 15_000, `sentinel ${body} at A`);
  };
  /** F types to A; once A's socket shows it, every earlier typing event for A is there too. */
  const typingSentinel = async () => {
    const before = typingAtA.filter((t) => t.userId === f.userId).length;
    await waitFor(
      async () => {
        // the typing throttle allows one per second: retry until one passes
        await f.typing(directConversationId(a.userId, f.userId)).catch(() => undefined);
        return typingAtA.filter((t) => t.userId === f.userId).length > before;
      },
      15_000,
      'F typing seen by A',
    );
  };

  beforeAll(async () => {
    server = await deployment.start();
    [a, f, s, blocked, blocker] = [
      await user('a'),
      await user('f'),
      await user('s'),
      await user('bd'),
      await user('br'),
    ];
    await befriend(a, f);
    await befriend(a, blocked);
    await befriend(a, blocker);
    await befriend(f, blocked);
    const group = await a.createGroup('consent');
    groupId = group.id;
    await a.invite(groupId, f.userId);
    await a.invite(groupId, blocked.userId);
    await a.block(blocked.userId);
    await blocker.block(a.userId);
    atA = collect(a);
    a.on('typing', (t) => typingAtA.push(t));
    blocked.on('presence', (p) => presenceAtBlocked.push(p));
    blocked.on('typing', (t) => typingAtBlocked.push(t));
    f.on('presence', (p) => presenceAtF.push(p));
    await Promise.all([f.connect(), blocked.connect(), blocker.connect(), s.connect()]);
    await a.connect();
  }, 240_000);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  }, 60_000);

  describe('1:1 message to A', () => {
    it.each([
      ['stranger', () => s, 403, 'NOT_FRIENDS'],
      ['blocked by A', () => blocked, 403, 'BLOCKED'],
      ['blocker of A', () => blocker, 403, 'BLOCKED'],
    ])('%s: refused', async (_actor, actor, status, code) => {
      await expect(actor().sendToUser(a.userId, 'hi')).rejects.toEqual(error(status, code));
    });
    it('friend: delivered', async () => {
      const sent = await f.sendToUser(a.userId, 'hello A');
      await waitFor(() => atA.find((m) => m.messageId === sent.messageId), 15_000, 'friend message at A');
    });
    it('nonexistent user as recipient: 404', async () => {
      await expect(a.sendToUser(MISSING, 'hi')).rejects.toEqual(error(404, 'USER_NOT_FOUND'));
    });
  });

  describe('typing into d:A:actor', () => {
    it.each([
      ['stranger', () => s, 404, 'CONVERSATION_NOT_FOUND'],
      ['blocked by A', () => blocked, 403, 'BLOCKED'],
      ['blocker of A', () => blocker, 403, 'BLOCKED'],
    ])('%s: refused, and A sees nothing', async (_actor, actor, status, code) => {
      const x = actor();
      await expect(x.typing(directConversationId(a.userId, x.userId))).rejects.toEqual(error(status, code));
      await typingSentinel();
      expect(typingAtA.filter((t) => t.userId === x.userId)).toEqual([]);
    });
    it('A into a conversation with a nonexistent user: 404', async () => {
      await expect(a.typing(directConversationId(a.userId, MISSING))).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
    });
    it('friend: A sees it', async () => {
      await typingSentinel();
    });
  });

  describe('read receipts in d:A:actor', () => {
    let fromA: string;
    beforeAll(async () => {
      const sent = await a.sendToUser(f.userId, 'read me');
      fromA = sent.messageId;
      await inHistory(f, sent.conversationId, fromA);
    }, 60_000);

    it.each([
      ['stranger', () => s, 404, 'CONVERSATION_NOT_FOUND'],
      ['blocked by A', () => blocked, 403, 'BLOCKED'],
      ['blocker of A', () => blocker, 403, 'BLOCKED'],
    ])('%s: refused, and no 209 reaches A', async (_actor, actor, status, code) => {
      const x = actor();
      await expect(x.markRead(directConversationId(a.userId, x.userId), fromA)).rejects.toEqual(error(status, code));
      await inboxSentinel();
      expect(atA.filter((m) => m.type === WireType.ReadReceipt && m.data?.userId === x.userId)).toEqual([]);
    });
    it('A for a conversation with a nonexistent user: 404', async () => {
      await expect(a.markRead(directConversationId(a.userId, MISSING), fromA)).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
    });
    it('friend, a made-up messageId or one from another conversation: 404, no 209', async () => {
      const conversationId = directConversationId(a.userId, f.userId);
      await expect(f.markRead(conversationId, 'ffffffff-ffff-7fff-bfff-ffffffffffff')).rejects.toEqual(
        error(404, 'MESSAGE_NOT_FOUND'),
      );
      const elsewhere = await f.sendToGroup(groupId, 'group text');
      await inHistory(f, elsewhere.conversationId, elsewhere.messageId);
      await expect(f.markRead(conversationId, elsewhere.messageId)).rejects.toEqual(error(404, 'MESSAGE_NOT_FOUND'));
      await inboxSentinel();
      expect(atA.filter((m) => m.type === WireType.ReadReceipt)).toEqual([]);
    });
    it('friend, a message of the conversation: 200 and a 209 to A', async () => {
      const conversationId = directConversationId(a.userId, f.userId);
      expect(await f.markRead(conversationId, fromA)).toMatchObject({ advanced: true });
      await waitFor(
        () => atA.find((m) => m.type === WireType.ReadReceipt && m.data?.messageId === fromA),
        15_000,
        '209 at A',
      );
    });
  });

  describe('presence', () => {
    it('A does not list the users in a block with it, nor do they list A; the friend does', async () => {
      const ofA = (await a.friendsPresence()).map((p) => p.userId);
      expect(ofA).toContain(f.userId);
      expect(ofA).not.toContain(blocked.userId);
      expect(ofA).not.toContain(blocker.userId);
      expect((await blocked.friendsPresence()).map((p) => p.userId)).not.toContain(a.userId);
      expect((await blocker.friendsPresence()).map((p) => p.userId)).not.toContain(a.userId);
      expect((await f.friendsPresence()).map((p) => p.userId)).toContain(a.userId);
    });
    it('A coming online reaches the friend, never the user A blocks', async () => {
      await waitFor(() => presenceAtF.find((p) => p.data.userId === a.userId && p.data.online), 15_000, 'F sees A');
      // sentinel on the blocked user's socket: F (still their friend) types to them, after A's presence went out
      await waitFor(
        async () => {
          await f.typing(directConversationId(f.userId, blocked.userId)).catch(() => undefined);
          return typingAtBlocked.some((t) => t.userId === f.userId);
        },
        15_000,
        'the blocked user sees F typing',
      );
      expect(presenceAtBlocked.filter((p) => p.data.userId === a.userId)).toEqual([]);
    });
  });

  describe('requests', () => {
    it.each([
      ['blocked by A', () => blocked],
      ['blocker of A', () => blocker],
    ])('friend request from the %s: 403 BLOCKED', async (_actor, actor) => {
      await expect(actor().requestFriend(a.userId, 'again?')).rejects.toEqual(error(403, 'BLOCKED'));
    });
    it('friend request to a nonexistent user: 404', async () => {
      await expect(s.requestFriend(MISSING)).rejects.toEqual(error(404, 'USER_NOT_FOUND'));
    });
    it('join request to A’s group from the user A blocks: 403 BLOCKED, no 204 reaches A', async () => {
      const outsider = await user('bd2');
      await befriend(a, outsider);
      await a.block(outsider.userId);
      await expect(outsider.requestToJoin(groupId, 'let me in')).rejects.toEqual(error(403, 'BLOCKED'));
      await expect(blocker.requestToJoin(groupId, 'let me in')).rejects.toEqual(error(403, 'BLOCKED'));
      await inboxSentinel();
      expect(atA.filter((m) => m.type === WireType.GroupJoinRequestReceived)).toEqual([]);
    });
    it('join request from a stranger: 201 and a 204 to A; from a member: 409', async () => {
      const applicant = await user('s2');
      const { id } = await applicant.requestToJoin(groupId, 'hello');
      await waitFor(
        () => atA.find((m) => m.type === WireType.GroupJoinRequestReceived && m.data?.requestId === id),
        15_000,
        '204 at A',
      );
      await expect(f.requestToJoin(groupId)).rejects.toEqual(error(409, 'ALREADY_GROUP_MEMBER'));
    });
  });

  describe('adding to a group', () => {
    it('a stranger cannot add A to their group: 403 NOT_FRIENDS, and their group text never reaches A', async () => {
      const stranger = await user('s3');
      const theirs = await stranger.createGroup('trap');
      await expect(stranger.invite(theirs.id, a.userId)).rejects.toEqual(error(403, 'NOT_FRIENDS'));
      await stranger.sendToGroup(theirs.id, 'buy my stuff');
      await inboxSentinel();
      expect(atA.filter((m) => m.body === 'buy my stuff')).toEqual([]);
    });
    it.each([
      ['blocked by A', () => blocked.userId, 403, 'BLOCKED'],
      ['blocker of A', () => blocker.userId, 403, 'BLOCKED'],
      ['nonexistent', () => MISSING, 404, 'USER_NOT_FOUND'],
    ])('A adding or inviting the %s: refused', async (_actor, target, status, code) => {
      const mine = await a.createGroup('mine');
      await expect(a.invite(mine.id, target())).rejects.toEqual(error(status, code));
      await expect(inviteToGroup(a, mine.id, target())).rejects.toEqual(error(status, code));
    });
    it('a non-member or plain member cannot add or invite: 404 / 403', async () => {
      await expect(s.invite(groupId, s.userId)).rejects.toEqual(error(404, 'GROUP_NOT_FOUND'));
      await expect(inviteToGroup(f, groupId, s.userId)).rejects.toEqual(error(403, 'GROUP_PERMISSION_DENIED'));
    });
    it('a stranger gets an invitation (215), and joins only by accepting it; declining tells the inviter (207)', async () => {
      const [joiner, decliner] = [await user('inv'), await user('dec')];
      const atJoiner = collect(joiner);
      await joiner.connect();
      await expect(a.invite(groupId, joiner.userId)).rejects.toEqual(error(403, 'NOT_FRIENDS'));
      const { id } = await inviteToGroup(a, groupId, joiner.userId);
      const pushed = await waitFor(
        () => atJoiner.find((m) => m.type === WireType.GroupInvitation),
        15_000,
        '215 at the invitee',
      );
      expect(pushed.data).toMatchObject({ invitationId: id, groupId, from: { id: a.userId } });
      await expect(joiner.sendToGroup(groupId, 'not yet')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
      expect(await http(joiner).request<GroupInvitationView[]>('GET', '/group-invitations')).toEqual([
        expect.objectContaining({ id, groupId, userId: joiner.userId, invitedBy: a.userId, status: 'pending' }),
      ]);
      // only the invitee decides
      await expect(http(s).request('POST', `/group-invitations/${id}/accept`)).rejects.toEqual(
        error(404, 'GROUP_INVITATION_NOT_FOUND'),
      );
      await http(joiner).request('POST', `/group-invitations/${id}/accept`);
      await expect(http(joiner).request('POST', `/group-invitations/${id}/accept`)).rejects.toEqual(
        error(409, 'GROUP_JOIN_REQUEST_NOT_PENDING'),
      );
      const sent = await joiner.sendToGroup(groupId, 'glad to be here');
      await waitFor(() => atA.find((m) => m.messageId === sent.messageId), 15_000, 'the new member’s text at A');

      const invitation = await inviteToGroup(a, groupId, decliner.userId);
      await http(decliner).request('POST', `/group-invitations/${invitation.id}/decline`);
      await waitFor(
        () =>
          atA.find(
            (m) =>
              m.type === WireType.RequestRejected &&
              m.data?.kind === 'invitation' &&
              m.data?.invitationId === invitation.id,
          ),
        15_000,
        '207 at A',
      );
      await expect(decliner.sendToGroup(groupId, 'x')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
    });
  });

  describe('group channels between a member and the member A blocks', () => {
    it('the blocked member’s group messages, typing and receipts reach the others but never A', async () => {
      const conversationId = groupConversationId(groupId);
      const seenByF = collect(f);
      const sent = await blocked.sendToGroup(groupId, 'words A must not see');
      await waitFor(() => seenByF.find((m) => m.messageId === sent.messageId), 15_000, 'F gets the group message');
      await blocked.typing(conversationId);
      await inHistory(blocked, conversationId, sent.messageId);
      await blocked.markRead(conversationId, sent.messageId);
      await inboxSentinel();
      await typingSentinel();
      expect(
        atA.filter(
          (m) => m.senderId === blocked.userId && [WireType.GroupMessage, WireType.ReadReceipt].includes(m.type),
        ),
      ).toEqual([]);
      expect(typingAtA.filter((t) => t.userId === blocked.userId)).toEqual([]);
    });
    it('a non-member: send 403, typing 404, history 404', async () => {
      const conversationId = groupConversationId(groupId);
      await expect(s.sendToGroup(groupId, 'x')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
      await expect(s.typing(conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
      await expect(s.history(conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
    });
    it('history of a 1:1 is only for its two ends; recall only for the sender', async () => {
      const sent = await f.sendToUser(a.userId, 'mine to recall');
      await expect(s.history(sent.conversationId)).rejects.toEqual(error(404, 'CONVERSATION_NOT_FOUND'));
      await inHistory(a, sent.conversationId, sent.messageId);
      await expect(a.recall(sent.messageId)).rejects.toEqual(error(403, 'FORBIDDEN'));
    });
  });

  describe('changes reach every gateway at once', () => {
    it('unblock restores the channel and a new block closes it, with no wait for a TTL', async () => {
      const [x, y] = [await user('x'), await user('y')];
      await befriend(x, y);
      await x.sendToUser(y.userId, 'before');
      await y.block(x.userId);
      await expect(x.sendToUser(y.userId, 'during')).rejects.toEqual(error(403, 'BLOCKED'));
      await y.unblock(x.userId);
      await x.sendToUser(y.userId, 'after');
      await x.unfriend(y.userId);
      await expect(x.sendToUser(y.userId, 'gone')).rejects.toEqual(error(403, 'NOT_FRIENDS'));
    });
  });
});
