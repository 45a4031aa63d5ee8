import {
  directConversationId,
  groupConversationId,
  NoticeEvent,
  PushMessage,
  TypingEvent,
  WireType,
} from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

const ADMIN_TOKEN = 'admin-token-for-the-e2e-suite-0123456789';

const TYPING_INTERVAL_MS = 5000;

describe('recall, read receipts, typing and system notices on the one-process server', () => {
  let server: RunningStandalone;
  const clients: SwitchboardClient[] = [];
  const user = async (prefix = 'r', on = server) => {
    const c = await newUser(on.baseUrl, prefix);
    clients.push(c);
    return c;
  };
  const error = (status: number, code: string) =>
    expect.objectContaining({ status, body: expect.objectContaining({ code }) });
  const pushOf = (seen: PushMessage[], type: WireType, match: (m: PushMessage) => boolean, what: string) =>
    waitFor(() => seen.find((m) => m.type === type && match(m)), EVENTUALLY_MS, what);
  /** A message is recallable once the history consumer has stored it. */
  const inHistory = (client: SwitchboardClient, conversationId: string, messageId: string) =>
    waitFor(
      async () => (await client.history(conversationId)).items.find((m) => m.messageId === messageId),
      EVENTUALLY_MS,
      `message ${messageId} in history`,
    );
  const groupOf = async (owner: SwitchboardClient, ...members: SwitchboardClient[]) => {
    const group = await owner.createGroup(`receipts ${Date.now() % 10000}`);
    const friends = new Set((await owner.friends()).map((f) => f.id));
    for (const m of members) {
      if (!friends.has(m.userId)) await befriend(owner, m);
      await owner.invite(group.id, m.userId);
    }
    return group;
  };
  /** A raw admin call; `token: null` sends no Authorization header. */
  const admin = (body: unknown, token: string | null = ADMIN_TOKEN, on = server) =>
    fetch(`${on.baseUrl}/api/v1/admin/notices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // a typing window far longer than the two back-to-back calls can take on a busy box
    server = await startStandalone({
      LOG_LEVEL: 'error',
      ADMIN_TOKEN,
      RATE_LIMIT_TYPING_INTERVAL_MS: String(TYPING_INTERVAL_MS),
    });
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.destroy();
  });

  describe('recall', () => {
    it('lets the sender recall within the window: 208 live and in the offline inbox, history blank, search misses it', async () => {
      const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
      await befriend(alice, bob);
      await befriend(alice, carol);
      const atBob = collect(bob);
      await bob.connect();
      const word = `narwhal${Date.now()}`;
      const kept = await alice.sendToUser(bob.userId, `kept ${word}`);
      const sent = await alice.sendToUser(bob.userId, `oops ${word}`);
      const toCarol = await alice.sendToUser(carol.userId, `to carol ${word}`);
      await inHistory(alice, sent.conversationId, sent.messageId);
      await inHistory(alice, toCarol.conversationId, toCarol.messageId);
      expect((await alice.search(word)).map((m) => m.messageId)).toContain(sent.messageId);

      expect(await alice.recall(sent.messageId)).toEqual({
        messageId: sent.messageId,
        conversationId: sent.conversationId,
        recalled: true,
      });
      await alice.recall(toCarol.messageId);

      // bob is online: the 208 arrives live, after the message itself
      const recalled = await pushOf(
        atBob,
        WireType.MessageRecalled,
        (m) => m.data?.messageId === sent.messageId,
        '208',
      );
      expect(recalled).toMatchObject({
        senderId: alice.userId,
        conversationId: sent.conversationId,
        data: { messageId: sent.messageId, conversationId: sent.conversationId },
      });
      const bobTypes = atBob.map((m) => m.type);
      expect(bobTypes.indexOf(WireType.FriendMessage)).toBeLessThan(bobTypes.indexOf(WireType.MessageRecalled));

      // carol was offline: the 208 waits in her inbox
      const carolInbox = await carol.inbox(0);
      const carolTypes = carolInbox.entries.map((m) => m.type);
      expect(carolTypes.indexOf(WireType.FriendMessage)).toBeGreaterThanOrEqual(0);
      expect(carolTypes.indexOf(WireType.FriendMessage)).toBeLessThan(carolTypes.indexOf(WireType.MessageRecalled));
      expect(carolInbox.entries.find((m) => m.type === WireType.MessageRecalled)?.data).toEqual({
        messageId: toCarol.messageId,
        conversationId: toCarol.conversationId,
      });

      // history shows it recalled with no text, for both sides; search no longer finds it
      for (const c of [alice, bob]) {
        const page = await c.history(sent.conversationId);
        expect(page.items.find((m) => m.messageId === sent.messageId)).toMatchObject({ recalled: true, body: '' });
        expect(page.items.find((m) => m.messageId === kept.messageId)).toMatchObject({ body: `kept ${word}` });
        const hits = (await c.search(word)).map((m) => m.messageId);
        expect(hits).toContain(kept.messageId);
        expect(hits).not.toContain(sent.messageId);
      }
      expect(await alice.search('oops')).toEqual([]);
      const carolView = await carol.history(toCarol.conversationId);
      expect(carolView.items[0]).toMatchObject({ messageId: toCarol.messageId, recalled: true, body: '' });

      // idempotent
      await expect(alice.recall(sent.messageId)).resolves.toMatchObject({ recalled: true });
    });

    it('recalls group messages for every member', async () => {
      const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
      const group = await groupOf(alice, bob, carol);
      const sent = await bob.sendToGroup(group.id, 'group oops');
      await inHistory(alice, sent.conversationId, sent.messageId);
      await bob.recall(sent.messageId);
      for (const c of [alice, carol]) {
        const entry = (await c.inbox(0)).entries.find((m) => m.type === WireType.MessageRecalled);
        expect(entry).toMatchObject({ groupId: group.id, data: { messageId: sent.messageId } });
      }
      expect((await carol.history(sent.conversationId)).items[0]).toMatchObject({ recalled: true, body: '' });
    });

    it('refuses a recall by anyone but the sender (403) and of an unknown message (404)', async () => {
      const [alice, bob] = [await user('alice'), await user('bob')];
      await befriend(alice, bob);
      const sent = await alice.sendToUser(bob.userId, 'mine to recall');
      await inHistory(bob, sent.conversationId, sent.messageId);
      await expect(bob.recall(sent.messageId)).rejects.toEqual(error(403, 'FORBIDDEN'));
      const stranger = await user('mallory');
      await expect(stranger.recall(sent.messageId)).rejects.toEqual(error(403, 'FORBIDDEN'));
      await expect(alice.recall('00000000-0000-7000-8000-000000000000')).rejects.toEqual(
        error(404, 'MESSAGE_NOT_FOUND'),
      );
      expect((await bob.history(sent.conversationId)).items[0]).toMatchObject({ body: 'mine to recall' });
    });

    it('refuses a recall after the window (409 RECALL_WINDOW_PASSED)', async () => {
      const short = await startStandalone({ LOG_LEVEL: 'error', RECALL_WINDOW_SECONDS: '1' });
      try {
        const [alice, bob] = [await user('alice', short), await user('bob', short)];
        await befriend(alice, bob);
        const sent = await alice.sendToUser(bob.userId, 'too late');
        await inHistory(alice, sent.conversationId, sent.messageId);
        await new Promise((r) => setTimeout(r, 1300));
        await expect(alice.recall(sent.messageId)).rejects.toEqual(error(409, 'RECALL_WINDOW_PASSED'));
        expect((await bob.history(sent.conversationId)).items[0]).toMatchObject({ body: 'too late' });
        expect((await bob.inbox(0)).entries.some((m) => m.type === WireType.MessageRecalled)).toBe(false);
      } finally {
        await short.destroy();
      }
    });
  });

  describe('read receipts', () => {
    it('1:1: moves the watermark forward only and pushes a 209 to the other side', async () => {
      const [alice, bob] = [await user('alice'), await user('bob')];
      await befriend(alice, bob);
      const atAlice = collect(alice);
      await alice.connect();
      const first = await alice.sendToUser(bob.userId, 'one');
      const second = await alice.sendToUser(bob.userId, 'two');
      const conversationId = directConversationId(alice.userId, bob.userId);
      // a receipt names a stored message of the conversation
      await inHistory(bob, conversationId, second.messageId);

      expect(await bob.markRead(conversationId, second.messageId)).toEqual({
        conversationId,
        messageId: second.messageId,
        advanced: true,
      });
      const receipt = await pushOf(atAlice, WireType.ReadReceipt, () => true, '209 to alice');
      expect(receipt.data).toEqual({ conversationId, userId: bob.userId, messageId: second.messageId });
      expect(await alice.readCount(conversationId, first.messageId)).toBe(1);
      expect(await alice.readCount(conversationId, second.messageId)).toBe(1);

      // older: no move, no push
      expect(await bob.markRead(conversationId, first.messageId)).toEqual({
        conversationId,
        messageId: second.messageId,
        advanced: false,
      });
      const third = await alice.sendToUser(bob.userId, 'three');
      expect(await alice.readCount(conversationId, third.messageId)).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(atAlice.filter((m) => m.type === WireType.ReadReceipt)).toHaveLength(1);

      const stranger = await user('mallory');
      await expect(stranger.markRead(conversationId, first.messageId)).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
      await expect(stranger.readCount(conversationId, first.messageId)).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
    });

    it('groups: 209 to the members and a read count per message', async () => {
      const [alice, bob, carol, dave] = [
        await user('alice'),
        await user('bob'),
        await user('carol'),
        await user('dave'),
      ];
      const group = await groupOf(alice, bob, carol, dave);
      const conversationId = groupConversationId(group.id);
      const atAlice = collect(alice);
      const atDave = collect(dave);
      await Promise.all([alice.connect(), dave.connect()]);
      const m1 = await alice.sendToGroup(group.id, 'first');
      const m2 = await alice.sendToGroup(group.id, 'second');

      await inHistory(bob, conversationId, m2.messageId);
      await bob.markRead(conversationId, m2.messageId);
      await carol.markRead(conversationId, m1.messageId);
      for (const seen of [atAlice, atDave])
        await pushOf(seen, WireType.ReadReceipt, (m) => m.data?.userId === carol.userId, '209 from carol');
      expect(atAlice.find((m) => m.type === WireType.ReadReceipt && m.data?.userId === bob.userId)).toMatchObject({
        groupId: group.id,
        data: { conversationId, userId: bob.userId, messageId: m2.messageId },
      });
      expect(await alice.readCount(conversationId, m1.messageId)).toBe(2);
      expect(await alice.readCount(conversationId, m2.messageId)).toBe(1);
      // the caller does not count themself
      expect(await bob.readCount(conversationId, m2.messageId)).toBe(0);
      await expect((await user('outsider')).readCount(conversationId, m1.messageId)).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
    });
  });

  describe('typing', () => {
    it('reaches the other side live, is never in the inbox, and is rate limited', async () => {
      const [alice, bob] = [await user('alice'), await user('bob')];
      await befriend(alice, bob);
      const typing: TypingEvent[] = [];
      bob.on('typing', (e) => typing.push(e));
      const atBob = collect(bob);
      await bob.connect();
      const conversationId = directConversationId(alice.userId, bob.userId);
      const before = (await bob.inbox(0)).headSeq;

      await alice.typing(conversationId);
      // the second signal right away, inside the limit's window, before waiting for the first to arrive
      await expect(alice.typing(conversationId)).rejects.toEqual(error(429, 'RATE_LIMITED'));
      await waitFor(() => typing.length > 0, EVENTUALLY_MS, 'typing event');
      expect(typing[0]).toEqual({ type: WireType.Typing, conversationId, userId: alice.userId });

      await new Promise((r) => setTimeout(r, TYPING_INTERVAL_MS + 100));
      await alice.typing(conversationId);
      await waitFor(() => typing.length > 1, EVENTUALLY_MS, 'second typing event');
      expect((await bob.inbox(0)).headSeq).toBe(before);
      expect(atBob.some((m) => m.type === WireType.Typing)).toBe(false);

      // a group: the other members only
      const carol = await user('carol');
      const group = await groupOf(alice, bob, carol);
      const carolTyping: TypingEvent[] = [];
      carol.on('typing', (e) => carolTyping.push(e));
      await carol.connect();
      await bob.typing(group.conversationId);
      await waitFor(() => carolTyping.length > 0, EVENTUALLY_MS, 'typing in the group');
      expect(carolTyping[0]).toEqual({
        type: WireType.Typing,
        conversationId: group.conversationId,
        userId: bob.userId,
        groupId: group.id,
      });
      await expect((await user('mallory')).typing(conversationId)).rejects.toEqual(
        error(404, 'CONVERSATION_NOT_FOUND'),
      );
    });
  });

  describe('system notices', () => {
    it('go to one user (inbox, offline too), to a group, and to everyone online', async () => {
      const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
      const group = await groupOf(alice, bob);
      const atAlice = collect(alice);
      const notices: NoticeEvent[] = [];
      alice.on('notice', (e) => notices.push(e));
      const carolNotices: NoticeEvent[] = [];
      carol.on('notice', (e) => carolNotices.push(e));
      await Promise.all([alice.connect(), carol.connect()]);

      // to one user, offline: waits in the inbox
      const toBob = await admin({ to: { userId: bob.userId }, body: 'your account is fine' });
      expect(toBob.status).toBe(201);
      const { noticeId } = (await toBob.json()) as { noticeId: string };
      const bobEntry = (await bob.inbox(0)).entries.find((m) => m.type === WireType.SystemNotice);
      expect(bobEntry).toMatchObject({ senderId: 'system', body: 'your account is fine', data: { noticeId } });

      // to a group: every member
      const toGroup = await admin({ to: { groupId: group.id }, body: 'group notice' });
      expect(await toGroup.json()).toMatchObject({ recipients: 2 });
      await pushOf(atAlice, WireType.SystemNotice, (m) => m.body === 'group notice', '210 to the group');
      expect((await bob.inbox(0)).entries.filter((m) => m.type === WireType.SystemNotice).map((m) => m.body)).toEqual([
        'your account is fine',
        'group notice',
      ]);
      expect((await carol.inbox(0)).entries.some((m) => m.type === WireType.SystemNotice)).toBe(false);

      // to everyone online: a live `notice` event, outside the seq stream
      const seqBefore = alice.lastSeq;
      expect((await admin({ to: { all: true }, body: 'maintenance at 02:00' })).status).toBe(201);
      for (const seen of [notices, carolNotices])
        await waitFor(() => seen.find((n) => n.body === 'maintenance at 02:00'), EVENTUALLY_MS, 'broadcast notice');
      expect(notices[0]).toMatchObject({ type: WireType.SystemNotice, body: 'maintenance at 02:00' });
      expect(alice.lastSeq).toBe(seqBefore);
      expect((await bob.inbox(0)).entries.some((m) => m.body === 'maintenance at 02:00')).toBe(false);

      expect((await admin({ to: { userId: '00000000-0000-7000-8000-000000000000' }, body: 'x' })).status).toBe(404);
      expect((await admin({ to: { userId: bob.userId, all: true }, body: 'x' })).status).toBe(400);
      expect((await admin({ to: {}, body: 'x' })).status).toBe(400);
    });

    it('refuses the admin API without the token (401), with a wrong one (403), and a user token (403)', async () => {
      const alice = await user('alice');
      const body = { to: { all: true }, body: 'nope' };
      const missing = await admin(body, null);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      expect((await admin(body, 'x'.repeat(40))).status).toBe(403);
      expect((await admin(body, ADMIN_TOKEN.slice(0, -1))).status).toBe(403);
      expect((await admin(body, alice.http.token)).status).toBe(403);
    });

    it('is switched off (404) when ADMIN_TOKEN is not configured', async () => {
      const off = await startStandalone({ LOG_LEVEL: 'error' });
      try {
        expect((await admin({ to: { all: true }, body: 'nope' }, ADMIN_TOKEN, off)).status).toBe(404);
        expect((await admin({ to: { all: true }, body: 'nope' }, null, off)).status).toBe(404);
      } finally {
        await off.destroy();
      }
    });
  });
});
