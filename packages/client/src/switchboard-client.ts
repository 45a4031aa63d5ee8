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
  NodeAddress,
  MarkReadResponse,
  NoticeEvent,
  PublicUser,
  ReadCountResponse,
  RecallResponse,
  TypingEvent,
  PushErrorEvent,
  PushMessage,
  SendMessageRequest,
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
import { HttpClient, SwitchboardApiError } from './http-client';
import { LastSeqStore, MemoryLastSeqStore } from './last-seq-store';
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
  /** Abort a REST request not answered after this long (default 15 s). */
  requestTimeoutMs?: number;
  /**
   * How many times a send is retried, with the same clientMsgId, after a timeout, a network error, a 5xx or 409
   * SEND_IN_PROGRESS (default 4; 0 disables). The server answers a retry with the first send's answer.
   */
  sendRetries?: number;
  /** First pause between send retries, doubled each time up to `reconnectDelayMaxMs` (default 250 ms). */
  sendRetryDelayMs?: number;
  /**
   * Where `lastSeq` is kept per user (default: in memory). Loaded at `connect()` unless `lastSeq` was given, saved as
   * it advances. In a browser: `new LocalStorageLastSeqStore()`.
   */
  lastSeqStore?: LastSeqStore;
  /**
   * When the node says NODE_DRAINING or TOKEN_WRONG_NODE (or the token expired), trade the refresh token for one
   * naming a live node and reconnect there with `lastSeq` (default true).
   */
  autoMove?: boolean;
}

/** The push channel's state, for a UI to show. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'moving';

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
  /** The push channel's state changed. */
  state: [ConnectionState];
  /** New tokens (login or refresh): persist `session` to resume after a reload. Refresh tokens are single-use. */
  session: [LoginResponse];
  /** The client moved itself to another push node (its node drained, or its token named another one). */
  moved: [{ from: NodeAddress; to: NodeAddress }];
}

/** Push errors after which the client moves itself: a fresh token names the node to use now. */
const MOVE_CODES: ReadonlySet<PushErrorCode> = new Set([
  PushErrorCode.NodeDraining,
  PushErrorCode.TokenWrongNode,
  PushErrorCode.TokenInvalid,
]);

/**
 * The Switchboard client: REST calls plus the push channel with the delivery contract — messages in seq order, each
 * once; automatic acks; gaps resynced from the inbox; reconnects with backoff that resume after `lastSeq`.
 */
export class SwitchboardClient extends EventEmitter<SwitchboardClientEvents> {
  readonly http: HttpClient;
  session?: LoginResponse;
  private socket?: Socket<ServerToClientEvents, ClientToServerEvents>;
  private tracker: SequenceTracker;
  private ackTimer?: ReturnType<typeof setTimeout>;
  private ackedSeq = 0;
  private resyncTimer?: ReturnType<typeof setTimeout>;
  private resyncing = false;
  private readonly lastSeqStore: LastSeqStore;
  /** The user whose stored lastSeq was loaded into the tracker (loaded once per user). */
  private loadedFor?: string;
  private refreshing?: Promise<LoginResponse>;
  /** Bumped by connect() and disconnect(): a move started for an older channel stops. */
  private generation = 0;
  private pendingConnect?: { resolve: (e: ConnectedEvent) => void; reject: (e: Error) => void };
  private currentState: ConnectionState = 'disconnected';
  /** Duplicates dropped so far (the wire is at-least-once). */
  duplicatesDropped = 0;

  constructor(private readonly options: SwitchboardClientOptions) {
    super();
    this.http = new HttpClient(options.baseUrl, {
      timeoutMs: options.requestTimeoutMs,
      refreshToken: () => this.refresh().then(() => true),
    });
    this.tracker = this.newTracker(options.lastSeq ?? 0);
    this.lastSeqStore = options.lastSeqStore ?? new MemoryLastSeqStore();
  }

  get state(): ConnectionState {
    return this.currentState;
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
    const session = await this.http.request<LoginResponse>('POST', '/auth/login', {
      username,
      password,
      ...(options.platform && { platform: options.platform }),
    });
    this.useSession(session);
    return session;
  }

  /** Resumes a session kept from an earlier login or refresh (e.g. across a page reload); emits `session`. */
  useSession(session: LoginResponse): void {
    this.session = session;
    this.http.token = session.accessToken;
    this.emit('session', session);
  }

  /**
   * Trades the refresh token for a new access token (and refresh token) naming the node to use now. Concurrent callers
   * share one call: a refresh token is single-use.
   */
  refresh(): Promise<LoginResponse> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.session?.refreshToken;
        if (!refreshToken) throw new Error('no refresh token: log in first');
        const session = await this.http.request<LoginResponse>('POST', '/auth/refresh', { refreshToken });
        this.useSession(session);
        return session;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
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
    return this.send({ to: { userId }, body, clientMsgId });
  }
  /** Sends a group message (members only). Retrying with the same `clientMsgId` never creates a second message. */
  sendToGroup(groupId: string, body: string, clientMsgId: string = randomId()): Promise<SendMessageResponse> {
    return this.send({ to: { groupId }, body, clientMsgId });
  }

  /**
   * Sends, retrying with the same clientMsgId after a timeout, a network error, a 5xx or 409 SEND_IN_PROGRESS (the
   * first try may still be under way): the server creates the message at most once and answers every retry with it.
   */
  async send(request: SendMessageRequest): Promise<SendMessageResponse> {
    const retries = this.options.sendRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.http.request<SendMessageResponse>('POST', '/messages', request);
      } catch (error) {
        if (attempt >= retries || !isRetryableSendError(error)) throw error;
        const delay = Math.min(
          (this.options.sendRetryDelayMs ?? 250) * 2 ** attempt,
          this.options.reconnectDelayMaxMs ?? 10_000,
        );
        await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
      }
    }
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

  /**
   * Connects to the push node named by the session; resolves on the node's 201 (after the inbox replay). Told
   * NODE_DRAINING or TOKEN_WRONG_NODE, it moves to the node a refreshed token names and resolves there; another
   * refusal rejects (with the node's event as `event`).
   */
  async connect(): Promise<ConnectedEvent> {
    if (!this.session) throw new Error('log in first');
    this.disconnect();
    const generation = this.generation;
    await this.loadLastSeq();
    if (generation !== this.generation) throw new Error('disconnected while connecting');
    return new Promise((resolve, reject) => {
      this.pendingConnect = { resolve, reject };
      this.openSocket(this.session!.node.url);
    });
  }

  disconnect(): void {
    this.generation++;
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    this.closeSocket();
    this.saveLastSeq();
    this.pendingConnect?.reject(new Error('disconnected'));
    this.pendingConnect = undefined;
    this.setState('disconnected');
  }

  private openSocket(url: string): void {
    this.closeSocket();
    this.setState('connecting');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      // evaluated on every (re)connect, so a reconnect resumes after what the client holds now, with the newest token
      auth: (cb) => cb({ token: this.http.token, lastSeq: this.tracker.lastSeq }),
      reconnectionDelay: this.options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs ?? 10_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    socket.on('message', (m) => this.onPush(m));
    socket.on('connected', (e) => {
      this.setState('connected');
      this.emit('connected', e);
      this.pendingConnect?.resolve(e);
      this.pendingConnect = undefined;
      this.scheduleAck();
      if (e.headSeq > this.tracker.lastSeq || this.tracker.gap) this.scheduleResync(0);
    });
    socket.on('error', (e) => this.onPushError(socket, e));
    // live-only events: no seq, so they bypass the sequence tracker
    socket.on('notice', (e) => this.emit('notice', e));
    socket.on('typing', (e) => this.emit('typing', e));
    socket.on('presence', (e) => this.emit('presence', e));
    socket.on('disconnect', (reason) => {
      // socket.io reconnects by itself unless the server or we closed the socket
      if (this.socket === socket)
        this.setState(
          reason === 'io server disconnect' || reason === 'io client disconnect' ? 'disconnected' : 'reconnecting',
        );
      this.emit('disconnected', reason);
    });
  }

  private closeSocket(): void {
    this.socket?.removeAllListeners();
    this.socket?.io.reconnection(false);
    this.socket?.disconnect();
    this.socket = undefined;
  }

  private onPushError(socket: Socket, e: PushErrorEvent): void {
    const movable = MOVE_CODES.has(e.code) && (this.options.autoMove ?? true) && !!this.session?.refreshToken;
    // the node closes the socket after a refusal; retrying the same node with the same token will not help
    if (movable || e.code === PushErrorCode.SessionReplaced || e.code === PushErrorCode.TokenRevoked)
      socket.io.reconnection(false);
    else if (this.pendingConnect) socket.io.reconnection(false);
    this.emit('pushError', e);
    if (e.code === PushErrorCode.SessionReplaced) this.emit('kicked', e);
    if (movable) {
      void this.move(e);
      return;
    }
    if (this.pendingConnect) {
      this.pendingConnect.reject(Object.assign(new Error(`${e.code}: ${e.message}`), { event: e }));
      this.pendingConnect = undefined;
      this.closeSocket();
      this.setState('disconnected');
    } else if (!socket.io.reconnection()) {
      this.setState('disconnected');
    }
  }

  /**
   * Moves to the node the hash ring names now: refresh the token, then reconnect there with `lastSeq` (the node
   * replays the inbox after it; seqs already held are dropped as duplicates). While the ring still names the node
   * being left (it may be on its way out), waits and asks again.
   */
  private async move(reason: PushErrorEvent): Promise<void> {
    const generation = this.generation;
    const from = this.session!.node;
    this.closeSocket();
    this.setState('moving');
    let delay = this.options.reconnectDelayMs ?? 500;
    for (;;) {
      try {
        const session = await this.refresh();
        if (generation !== this.generation) return;
        const stale = reason.code === PushErrorCode.NodeDraining && session.node.id === from.id;
        if (!stale) {
          if (session.node.id !== from.id) this.emit('moved', { from, to: session.node });
          this.openSocket(session.node.url);
          return;
        }
      } catch (error) {
        if (generation !== this.generation) return;
        // the session is over (revoked, expired, reused): only a new login helps
        if (error instanceof SwitchboardApiError && error.status === 401) {
          this.pendingConnect?.reject(error);
          this.pendingConnect = undefined;
          this.setState('disconnected');
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
      if (generation !== this.generation) return;
      delay = Math.min(delay * 2, this.options.reconnectDelayMaxMs ?? 10_000);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  /** Once per user, unless `lastSeq` was given: resume after the stored seq if it is ahead of what the client holds. */
  private async loadLastSeq(): Promise<void> {
    const userId = this.session?.user.id;
    if (!userId || this.loadedFor === userId) return;
    this.loadedFor = userId;
    if (this.options.lastSeq !== undefined) return;
    const stored = await this.lastSeqStore.load(userId);
    if (stored !== undefined && stored > this.tracker.lastSeq && !this.tracker.gap)
      this.tracker = this.newTracker(stored);
  }

  private saveLastSeq(): void {
    const userId = this.session?.user.id;
    if (!userId || this.loadedFor !== userId) return;
    void Promise.resolve(this.lastSeqStore.save(userId, this.tracker.lastSeq)).catch(() => undefined);
  }

  private newTracker(lastSeq: number): SequenceTracker {
    this.ackedSeq = lastSeq;
    return new SequenceTracker(lastSeq, (m) => this.emit('message', m));
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
      this.saveLastSeq();
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

/** Send failures worth a retry with the same clientMsgId: no answer, a 5xx, or the first try still under way. */
function isRetryableSendError(error: unknown): boolean {
  if (!(error instanceof SwitchboardApiError)) return true; // timeout or network error: the send may or may not have landed
  return error.status >= 500 || (error.status === 409 && error.body?.code === 'SEND_IN_PROGRESS');
}
