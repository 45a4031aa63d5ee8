import type {
  ConversationSummary,
  MessageRecalledData,
  PushMessage,
  ReadReceiptData,
  StoredMessageView,
  SystemNoticeData,
  TypingEvent,
} from '@switchboard/client';
import { groupConversationId, parseConversationId, randomId, WireType } from '@switchboard/client';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { errorText } from '../errors';
import { t } from '../i18n';
import { notify } from '../notify';
import { useSession } from './session';
import { useSocial } from './social';
import { useGroups } from './groups';
import { useUsers } from './users';

export type SendState = 'pending' | 'sent' | 'failed';

export interface ChatMessage {
  /** Set once the server accepted it. */
  messageId?: string;
  /** Ours, reused by a retry so the server stores the message once. */
  clientMsgId?: string;
  senderId: string;
  body: string;
  createdAt: string;
  state: SendState;
  recalled?: boolean;
  system?: boolean;
  error?: string;
}

export interface Conversation {
  id: string;
  peerId?: string;
  groupId?: string;
  last?: ChatMessage;
  unread: number;
}

const HISTORY_PAGE = 30;
const unreadKey = (userId: string) => `sb.unread.${userId}`;

function fromStored(m: StoredMessageView): ChatMessage {
  return {
    messageId: m.messageId,
    senderId: m.senderId,
    body: m.body,
    createdAt: m.createdAt,
    state: 'sent',
    recalled: m.recalled,
    system: m.type === WireType.SystemNotice,
  };
}

/** Order of a conversation: by time, then by id (ids are time-ordered; ours without an id yet are the newest). */
function isAfter(x: ChatMessage, y: ChatMessage): boolean {
  if (x.createdAt !== y.createdAt) return x.createdAt > y.createdAt;
  return (x.messageId ?? '\uffff') > (y.messageId ?? '\uffff');
}

/** Conversations, their messages (live and history), unread counts, typing and read receipts. */
export const useChat = defineStore('chat', () => {
  const conversations = reactive(new Map<string, Conversation>());
  const messages = reactive(new Map<string, ChatMessage[]>());
  const cursors = reactive(new Map<string, { nextBefore?: string; done: boolean; loading: boolean }>());
  /** 1:1: the newest of our messages the peer has read. */
  const peerRead = reactive(new Map<string, string>());
  /** Groups: how many others read each of our messages. */
  const readCounts = reactive(new Map<string, number>());
  const typing = reactive(new Map<string, { userId: string; until: number }>());
  const active = ref<string>();
  const error = ref<string>();

  const me = () => useSession().user?.id ?? '';
  const client = () => useSession().client;

  function conversation(id: string): Conversation {
    let c = conversations.get(id);
    if (!c) {
      const parsed = parseConversationId(id);
      c = {
        id,
        unread: 0,
        ...(parsed?.kind === 'direct' && { peerId: parsed.userIds.find((u) => u !== me()) ?? parsed.userIds[0] }),
        ...(parsed?.kind === 'group' && { groupId: parsed.groupId }),
      };
      conversations.set(id, c);
      c = conversations.get(id)!;
    }
    return c;
  }

  function list(id: string): ChatMessage[] {
    if (!messages.has(id)) messages.set(id, []);
    return messages.get(id)!;
  }

  function saveUnread(): void {
    const counts = Object.fromEntries([...conversations.values()].filter((c) => c.unread).map((c) => [c.id, c.unread]));
    localStorage.setItem(unreadKey(me()), JSON.stringify(counts));
  }

  async function loadConversations(): Promise<void> {
    const c = client();
    if (!c) return;
    try {
      const saved = JSON.parse(localStorage.getItem(unreadKey(me())) ?? '{}') as Record<string, number>;
      const summaries: ConversationSummary[] = await c.conversations();
      for (const s of summaries) {
        const conv = conversation(s.conversationId);
        const last = fromStored(s.lastMessage);
        if (!conv.last || conv.last.createdAt <= last.createdAt) conv.last = last;
        if (saved[s.conversationId] && !conv.unread && active.value !== s.conversationId)
          conv.unread = saved[s.conversationId];
      }
      error.value = undefined;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  /** Adds a message unless it is there already (live push, replay and history overlap). */
  function insert(convId: string, m: ChatMessage): boolean {
    const items = list(convId);
    if (m.messageId && items.some((x) => x.messageId === m.messageId)) return false;
    let i = items.length;
    while (i > 0 && isAfter(items[i - 1], m)) i--;
    items.splice(i, 0, m);
    const conv = conversation(convId);
    if (!conv.last || conv.last.createdAt <= m.createdAt) conv.last = m;
    return true;
  }

  function onPush(m: PushMessage): void {
    switch (m.type) {
      case WireType.FriendMessage:
      case WireType.GroupMessage:
      case WireType.SystemNotice:
        return onChatMessage(m);
      case WireType.MessageRecalled:
        return onRecalled(m.data as unknown as MessageRecalledData);
      case WireType.ReadReceipt:
        return onReadReceipt(m.data as unknown as ReadReceiptData);
      default:
        useSocial().onPush(m);
        useGroups().onPush(m);
    }
  }

  function onChatMessage(m: PushMessage): void {
    const notice = m.type === WireType.SystemNotice;
    const groupId = notice ? (m.data as unknown as SystemNoticeData | undefined)?.groupId : undefined;
    const convId = m.conversationId ?? (groupId ? groupConversationId(groupId) : undefined);
    if (!convId) {
      notify(t('notice'), m.body ?? '');
      return;
    }
    const added = insert(convId, {
      messageId: m.messageId,
      senderId: m.senderId ?? '',
      body: m.body ?? '',
      createdAt: m.createdAt,
      state: 'sent',
      system: notice,
    });
    if (!added || m.senderId === me()) return;
    typing.delete(convId);
    if (active.value === convId && document.visibilityState === 'visible') void markRead(convId);
    else {
      conversation(convId).unread++;
      saveUnread();
    }
  }

  function onRecalled(data: MessageRecalledData): void {
    const m = list(data.conversationId).find((x) => x.messageId === data.messageId);
    if (m) {
      m.recalled = true;
      m.body = '';
    }
    const conv = conversations.get(data.conversationId);
    if (conv?.last?.messageId === data.messageId) conv.last = { ...conv.last, recalled: true, body: '' };
  }

  function onReadReceipt(data: ReadReceiptData): void {
    if (data.userId === me()) {
      // read on another of our devices
      const conv = conversations.get(data.conversationId);
      if (conv && conv.unread) {
        conv.unread = 0;
        saveUnread();
      }
      return;
    }
    if (data.conversationId.startsWith('d:')) peerRead.set(data.conversationId, data.messageId);
    else void refreshReadCounts(data.conversationId);
  }

  function onTyping(e: TypingEvent): void {
    if (e.userId === me()) return;
    typing.set(e.conversationId, { userId: e.userId, until: Date.now() + 4000 });
    setTimeout(() => {
      const current = typing.get(e.conversationId);
      if (current && current.until <= Date.now()) typing.delete(e.conversationId);
    }, 4100);
  }

  async function open(convId: string): Promise<void> {
    active.value = convId;
    const conv = conversation(convId);
    conv.unread = 0;
    saveUnread();
    if (!cursors.has(convId)) await loadOlder(convId);
    void markRead(convId);
    void refreshReadCounts(convId);
  }

  /** The next (older) history page, by cursor. */
  async function loadOlder(convId: string): Promise<void> {
    const c = client();
    const cursor = cursors.get(convId) ?? { done: false, loading: false };
    if (!c || cursor.done || cursor.loading) return;
    cursor.loading = true;
    cursors.set(convId, cursor);
    try {
      const page = await c.history(convId, {
        limit: HISTORY_PAGE,
        ...(cursor.nextBefore && { before: cursor.nextBefore }),
      });
      for (const item of page.items) insert(convId, fromStored(item));
      cursors.set(convId, { nextBefore: page.nextBefore, done: !page.nextBefore, loading: false });
      error.value = undefined;
    } catch (e) {
      cursors.set(convId, { ...cursor, loading: false });
      error.value = errorText(e);
    }
  }

  async function markRead(convId: string): Promise<void> {
    const c = client();
    const last = [...list(convId)].reverse().find((m) => m.messageId && m.senderId !== me());
    if (!c || !last?.messageId) return;
    try {
      await c.markRead(convId, last.messageId);
    } catch {
      // best effort: the next message marks it again
    }
  }

  async function refreshReadCounts(convId: string): Promise<void> {
    const c = client();
    if (!c) return;
    const mine = list(convId)
      .filter((m) => m.senderId === me() && m.messageId && !m.system)
      .slice(-5);
    try {
      for (const m of mine) {
        const count = await c.readCount(convId, m.messageId!);
        readCounts.set(m.messageId!, count);
        if (convId.startsWith('d:') && count > 0) peerRead.set(convId, m.messageId!);
      }
    } catch {
      // counts are a hint; the next receipt refreshes them
    }
  }

  /** Whether the peer of a 1:1 conversation has read our message `m` (their watermark is at or after it). */
  function isReadByPeer(convId: string, m: ChatMessage): boolean {
    const watermark = peerRead.get(convId);
    if (!watermark || !m.messageId) return false;
    const items = list(convId);
    const at = items.findIndex((x) => x.messageId === watermark);
    return at >= 0 && items.indexOf(m) <= at;
  }

  async function send(convId: string, body: string): Promise<void> {
    const m: ChatMessage = {
      clientMsgId: randomId(),
      senderId: me(),
      body,
      createdAt: new Date().toISOString(),
      state: 'pending',
    };
    list(convId).push(m);
    conversation(convId).last = m;
    await deliver(convId, list(convId)[list(convId).length - 1]);
  }

  /** Sends (or re-sends, with the same clientMsgId) a message of ours. */
  async function deliver(convId: string, m: ChatMessage): Promise<void> {
    const c = client();
    const conv = conversation(convId);
    m.state = 'pending';
    m.error = undefined;
    try {
      if (!c) throw new Error('offline');
      const answer = conv.groupId
        ? await c.sendToGroup(conv.groupId, m.body, m.clientMsgId)
        : await c.sendToUser(conv.peerId!, m.body, m.clientMsgId);
      const items = list(convId);
      const echoed = items.find((x) => x !== m && x.messageId === answer.messageId);
      if (echoed) items.splice(items.indexOf(m), 1);
      else Object.assign(m, { messageId: answer.messageId, createdAt: answer.createdAt, state: 'sent' });
    } catch (e) {
      m.state = 'failed';
      m.error = errorText(e);
    }
  }

  async function recall(convId: string, m: ChatMessage): Promise<void> {
    const c = client();
    if (!c || !m.messageId) return;
    try {
      await c.recall(m.messageId);
      onRecalled({ messageId: m.messageId, conversationId: convId });
    } catch (e) {
      m.error = errorText(e);
    }
  }

  let lastTyping = 0;
  /** Tells the others we are typing, at most every 1.5 s (the server allows one a second). */
  function typed(convId: string): void {
    const now = Date.now();
    if (now - lastTyping < 1500) return;
    lastTyping = now;
    client()
      ?.typing(convId)
      .catch(() => undefined);
  }

  function typingText(convId: string): string | undefined {
    const who = typing.get(convId);
    return who ? t('typing', { name: useUsers().name(who.userId) }) : undefined;
  }

  function reset(): void {
    conversations.clear();
    messages.clear();
    cursors.clear();
    peerRead.clear();
    readCounts.clear();
    typing.clear();
    active.value = undefined;
    error.value = undefined;
  }

  return {
    conversations,
    messages,
    cursors,
    readCounts,
    active,
    error,
    conversation,
    list,
    loadConversations,
    onPush,
    onTyping,
    open,
    loadOlder,
    isReadByPeer,
    send,
    deliver,
    recall,
    typed,
    typingText,
    reset,
  };
});
