import type {
  ClientToServerEvents,
  ConnectedEvent,
  FriendRequestView,
  GroupJoinRequestView,
  GroupMemberView,
  GroupView,
  HistoryPage,
  InboxPage,
  LoginResponse,
  MarkReadResponse,
  NoticeEvent,
  PublicUser,
  ReadCountResponse,
  RecallResponse,
  TypingEvent,
  PushErrorEvent,
  PushMessage,
  SendMessageResponse,
  ServerToClientEvents,
  StoredMessageView,
  ConversationSummary,
  FriendPresence,
  PresenceEvent,
} from '@app/protocol';
import { PushErrorCode, type DevicePlatform } from '@app/protocol';
import { EventEmitter } from 'eventemitter3';
import { io, Socket } from 'socket.io-client';
import { HttpClient } from './http-client';
import { randomId } from './random-id';
import { SequenceTracker } from './sequence-tracker';

export interface SwitchboardClientOptions {
  /** Gateway base URL, e.g. http://localhost:3000 */
  baseUrl: string;
  /** Resume after this seq (persist `lastSeq` between runs to avoid replays). */
  lastSeq?: number;
  /** Delay before acknowledging, to ack many messages at once. */
  ackDelayMs?: number;
  /** How long a gap may stay open before the client asks the inbox. */
  gapWaitMs?: number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

export interface SwitchboardClientEvents {
  message: [PushMessage];
  connected: [ConnectedEvent];
  /** The node refused or reported a problem (type 202); not named 'error', which some emitters treat specially. */
  pushError: [PushErrorEvent];
  disconnected: [string];
  /** Seqs that can no longer be fetched from the inbox (acknowledged elsewhere or expired): read history instead. */
  skipped: [number[]];
  /** A system notice to everyone online (live only, no seq; notices to you or your groups arrive as type 210 messages). */
  notice: [NoticeEvent];
  /** Someone in one of your conversations is typing (live only, never stored). */
  typing: [TypingEvent];
  /**
   * A newer login of this user replaced this session (type 211, code SESSION_REPLACED): the token is revoked and the
   * client does not reconnect; log in again to come back. Also reported as `pushError`.
   */
  kicked: [PushErrorEvent];
  /** A friend went online or offline (type 213; live only, never stored). */
  presence: [PresenceEvent];
}

/**
 * The Switchboard client: REST calls plus the push channel with the delivery contract — messages in seq order, each
 * once; automatic acks; gaps resynced from the inbox; reconnects with backoff that resume after `lastSeq`.
 */
export class SwitchboardClient extends EventEmitter<SwitchboardClientEvents> {
  readonly http: HttpClient;
  session?: LoginResponse;
  private socket?: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly tracker: SequenceTracker;
  private ackTimer?: ReturnType<typeof setTimeout>;
  private ackedSeq = 0;
  private resyncTimer?: ReturnType<typeof setTimeout>;
  private resyncing = false;
  /** Duplicates dropped so far (the wire is at-least-once). */
  duplicatesDropped = 0;

  constructor(private readonly options: SwitchboardClientOptions) {
    super();
    this.http = new HttpClient(options.baseUrl);
    this.tracker = new SequenceTracker(options.lastSeq ?? 0, (m) => this.emit('message', m));
    this.ackedSeq = options.lastSeq ?? 0;
  }

  get lastSeq(): number {
    return this.tracker.lastSeq;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  // ---- accounts -------------------------------------------------------------------------------------------------

  register(username: string, password: string, nickname?: string): Promise<PublicUser> {
    return this.http.request('POST', '/auth/register', { username, password, ...(nickname && { nickname }) });
  }

  /**
   * Logs in. `platform` names the device kind (default `other`); under the server's multi-device policy a login may
   * end this user's older sessions, which then get a `kicked` event (211, SESSION_REPLACED).
   */
  async login(username: string, password: string, options: { platform?: DevicePlatform } = {}): Promise<LoginResponse> {
    this.session = await this.http.request<LoginResponse>('POST', '/auth/login', {
      username,
      password,
      ...(options.platform && { platform: options.platform }),
    });
    this.http.token = this.session.accessToken;
    return this.session;
  }

  /** The logged-in user, as the server knows them. */
  me(): Promise<PublicUser> {
    return this.http.request('GET', '/users/me');
  }

  async logout(): Promise<void> {
    await this.http.request('POST', '/auth/logout');
    this.disconnect();
  }

  get userId(): string {
    if (!this.session) throw new Error('log in first');
    return this.session.user.id;
  }

  // ---- social ---------------------------------------------------------------------------------------------------

  requestFriend(userId: string, message?: string): Promise<{ id: string }> {
    return this.http.request('POST', '/friends/requests', { userId, ...(message && { message }) });
  }
  acceptFriend(requestId: string): Promise<FriendRequestView> {
    return this.http.request('POST', `/friends/requests/${requestId}/accept`);
  }
  rejectFriend(requestId: string): Promise<FriendRequestView> {
    return this.http.request('POST', `/friends/requests/${requestId}/reject`);
  }
  friendRequests(): Promise<FriendRequestView[]> {
    return this.http.request('GET', '/friends/requests');
  }
  friends(): Promise<PublicUser[]> {
    return this.http.request('GET', '/friends');
  }
  /** Your friends' presence: online, or offline with `lastSeen`; changes arrive as `presence` events (213). */
  friendsPresence(): Promise<FriendPresence[]> {
    return this.http.request('GET', '/friends/presence');
  }
  unfriend(userId: string): Promise<void> {
    return this.http.request('DELETE', `/friends/${userId}`);
  }
  block(userId: string): Promise<void> {
    return this.http.request('POST', `/blocks/${userId}`);
  }
  unblock(userId: string): Promise<void> {
    return this.http.request('DELETE', `/blocks/${userId}`);
  }

  // ---- groups ---------------------------------------------------------------------------------------------------

  createGroup(name: string): Promise<GroupView> {
    return this.http.request('POST', '/groups', { name });
  }
  /** The groups you are a member of. */
  groups(): Promise<GroupView[]> {
    return this.http.request('GET', '/groups');
  }
  group(groupId: string): Promise<GroupView> {
    return this.http.request('GET', `/groups/${groupId}`);
  }
  renameGroup(groupId: string, name: string): Promise<GroupView> {
    return this.http.request('PATCH', `/groups/${groupId}`, { name });
  }
  groupMembers(groupId: string): Promise<GroupMemberView[]> {
    return this.http.request('GET', `/groups/${groupId}/members`);
  }
  /** Applies to join; the owner and admins get a 204 push. */
  requestToJoin(groupId: string, message?: string): Promise<{ id: string }> {
    return this.http.request('POST', `/groups/${groupId}/join-requests`, message ? { message } : {});
  }
  /** Pending join requests (owner or admin). */
  joinRequests(groupId: string): Promise<GroupJoinRequestView[]> {
    return this.http.request('GET', `/groups/${groupId}/join-requests`);
  }
  approveJoin(groupId: string, requestId: string): Promise<GroupJoinRequestView> {
    return this.http.request('POST', `/groups/${groupId}/join-requests/${requestId}/approve`);
  }
  rejectJoin(groupId: string, requestId: string): Promise<GroupJoinRequestView> {
    return this.http.request('POST', `/groups/${groupId}/join-requests/${requestId}/reject`);
  }
  /** Adds a user directly (owner or admin). */
  invite(groupId: string, userId: string): Promise<void> {
    return this.http.request('POST', `/groups/${groupId}/members`, { userId });
  }
  removeMember(groupId: string, userId: string): Promise<void> {
    return this.http.request('DELETE', `/groups/${groupId}/members/${userId}`);
  }
  /** Owner only: make a member an admin or a plain member. */
  setGroupRole(groupId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    return this.http.request('PATCH', `/groups/${groupId}/members/${userId}`, { role });
  }
  leaveGroup(groupId: string): Promise<void> {
    return this.removeMember(groupId, this.userId);
  }
  /** Owner only: hand the group to another member (you stay as an admin). */
  transferGroup(groupId: string, userId: string): Promise<GroupView> {
    return this.http.request('POST', `/groups/${groupId}/transfer`, { userId });
  }
  dissolveGroup(groupId: string): Promise<void> {
    return this.http.request('DELETE', `/groups/${groupId}`);
  }

  // ---- messages -------------------------------------------------------------------------------------------------

  /** Sends a 1:1 message. Retrying with the same `clientMsgId` never creates a second message. */
  sendToUser(userId: string, body: string, clientMsgId: string = randomId()): Promise<SendMessageResponse> {
    return this.http.request('POST', '/messages', { to: { userId }, body, clientMsgId });
  }
  /** Sends a group message (members only). Retrying with the same `clientMsgId` never creates a second message. */
  sendToGroup(groupId: string, body: string, clientMsgId: string = randomId()): Promise<SendMessageResponse> {
    return this.http.request('POST', '/messages', { to: { groupId }, body, clientMsgId });
  }
  conversations(): Promise<ConversationSummary[]> {
    return this.http.request('GET', '/conversations');
  }
  history(conversationId: string, options: { before?: string; limit?: number } = {}): Promise<HistoryPage> {
    return this.http.request(
      'GET',
      `/conversations/${encodeURIComponent(conversationId)}/messages`,
      undefined,
      options,
    );
  }
  search(q: string, conversationId?: string): Promise<StoredMessageView[]> {
    return this.http.request('GET', '/messages/search', undefined, { q, conversationId });
  }
  /**
   * Recalls one of your messages (within the server's RECALL_WINDOW_SECONDS); every participant gets a type 208.
   * Rejects with 403 if you are not its sender, 409 RECALL_WINDOW_PASSED after the window, 404 if unknown.
   */
  recall(messageId: string): Promise<RecallResponse> {
    return this.http.request('POST', `/messages/${encodeURIComponent(messageId)}/recall`);
  }
  /** Marks a conversation read up to `messageId`; the others get a type 209 if your watermark moved. */
  markRead(conversationId: string, messageId: string): Promise<MarkReadResponse> {
    return this.http.request('POST', `/conversations/${encodeURIComponent(conversationId)}/read`, { messageId });
  }
  /** How many participants other than you have read `messageId` (or a newer message). */
  async readCount(conversationId: string, messageId: string): Promise<number> {
    const answer = await this.http.request<ReadCountResponse>(
      'GET',
      `/conversations/${encodeURIComponent(conversationId)}/reads`,
      undefined,
      { messageId },
    );
    return answer.count;
  }
  /** Tells the other participants you are typing (at most once per second per conversation, else 429). */
  typing(conversationId: string): Promise<void> {
    return this.http.request('POST', `/conversations/${encodeURIComponent(conversationId)}/typing`);
  }
  inbox(after: number, limit = 200): Promise<InboxPage> {
    return this.http.request('GET', '/inbox', undefined, { after, limit });
  }

  // ---- push channel ---------------------------------------------------------------------------------------------

  /** Connects to the push node named at login; resolves on the node's 201 (after the inbox replay). */
  connect(): Promise<ConnectedEvent> {
    if (!this.session) return Promise.reject(new Error('log in first'));
    this.disconnect();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.session.node.url, {
      path: '/socket.io',
      transports: ['websocket'],
      // evaluated on every (re)connect, so a reconnect resumes after what the client holds now
      auth: (cb) => cb({ token: this.http.token, lastSeq: this.tracker.lastSeq }),
      reconnectionDelay: this.options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs ?? 10_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    socket.on('message', (m) => this.onPush(m));
    socket.on('connected', (e) => {
      this.emit('connected', e);
      if (e.headSeq > this.tracker.lastSeq || this.tracker.gap) this.scheduleResync(0);
    });
    socket.on('error', (e) => {
      // a revoked or replaced token will not get better by retrying
      if (e.code === PushErrorCode.SessionReplaced || e.code === PushErrorCode.TokenRevoked)
        socket.io.reconnection(false);
      this.emit('pushError', e);
      if (e.code === PushErrorCode.SessionReplaced) this.emit('kicked', e);
    });
    // live-only events: no seq, so they bypass the sequence tracker
    socket.on('notice', (e) => this.emit('notice', e));
    socket.on('typing', (e) => this.emit('typing', e));
    socket.on('presence', (e) => this.emit('presence', e));
    socket.on('disconnect', (reason) => this.emit('disconnected', reason));
    return new Promise((resolve, reject) => {
      const onConnected = (e: ConnectedEvent) => {
        socket.off('error', onError);
        resolve(e);
      };
      const onError = (e: PushErrorEvent) => {
        socket.off('connected', onConnected);
        // a refused token will not get better by retrying
        socket.io.reconnection(false);
        reject(Object.assign(new Error(`${e.code}: ${e.message}`), { event: e }));
      };
      socket.once('connected', onConnected);
      socket.once('error', onError);
    });
  }

  disconnect(): void {
    clearTimeout(this.ackTimer);
    clearTimeout(this.resyncTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
  }

  /** Pulls the inbox after `lastSeq` until every gap is closed or only in-flight seqs remain (then retries later). */
  async resync(): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    try {
      for (;;) {
        const page = await this.inbox(this.tracker.lastSeq, 200);
        for (const m of page.entries) this.offer(m);
        if (page.hasMore) continue;
        const skipped = this.tracker.settle(page.headSeq, new Set(page.pending));
        if (skipped.length) this.emit('skipped', skipped);
        this.scheduleAck();
        if (page.pending.some((s) => s > this.tracker.lastSeq) && this.tracker.lastSeq < page.headSeq)
          this.scheduleResync(this.options.gapWaitMs ?? 300);
        return;
      }
    } catch {
      this.scheduleResync(1000);
    } finally {
      this.resyncing = false;
    }
  }

  private onPush(message: PushMessage): void {
    this.offer(message);
    this.scheduleAck();
    if (this.tracker.gap) this.scheduleResync(this.options.gapWaitMs ?? 300);
  }

  private offer(message: PushMessage): void {
    if (!this.tracker.offer(message)) this.duplicatesDropped++;
  }

  private scheduleAck(): void {
    if (this.ackTimer || this.tracker.lastSeq <= this.ackedSeq) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const seq = this.tracker.lastSeq;
      if (seq > this.ackedSeq && this.socket?.connected) {
        this.socket.emit('ack', { seq });
        this.ackedSeq = seq;
      }
    }, this.options.ackDelayMs ?? 50);
  }

  private scheduleResync(delayMs: number): void {
    if (this.resyncTimer) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      void this.resync();
    }, delayMs);
  }
}
