import { PushMessage } from './messages';

/** REST answer shapes, shared by the server's DTOs and the SDK (see docs/architecture.md, 'The client's interface'). */
export interface PublicUser {
  id: string;
  username: string;
  nickname: string;
}

export interface NodeAddress {
  id: string;
  url: string;
}

export interface LoginResponse {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Single-use: `POST /auth/refresh` trades it for a new access token and a new refresh token. */
  refreshToken: string;
  /** Seconds until the refresh token expires. */
  refreshExpiresIn: number;
  user: PublicUser;
  /** The push node to connect to (the hash ring's choice for this user when the token was issued). */
  node: NodeAddress;
}

/** `POST /auth/refresh` */
export interface RefreshRequest {
  refreshToken: string;
}

/** `POST /auth/refresh` answer: a fresh session pair naming a live node; the refresh token presented is spent. */
export type RefreshResponse = LoginResponse;

export interface SendMessageResponse {
  messageId: string;
  seq: number;
  conversationId: string;
  createdAt: string;
}

export type Recipient = { userId: string; groupId?: never } | { groupId: string; userId?: never };

export interface SendMessageRequest {
  to: Recipient;
  body: string;
  clientMsgId: string;
}

export interface InboxPage {
  /** Entries after `after`, in seq order; burnt sequence numbers appear as type 214 entries. */
  entries: PushMessage[];
  /** Sequence numbers after `after` that are allocated but not yet written: retry later, do not skip them. */
  pending: number[];
  /** Highest seq allocated in this inbox. */
  headSeq: number;
  /** Highest seq acknowledged. */
  watermark: number;
  /** More entries exist after the last one returned. */
  hasMore: boolean;
}

export interface StoredMessageView {
  messageId: string;
  type: number;
  conversationId: string;
  senderId: string;
  receiverId?: string;
  groupId?: string;
  body: string;
  createdAt: string;
  recalled?: boolean;
}

export interface HistoryPage {
  items: StoredMessageView[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextBefore?: string;
}

export interface ConversationSummary {
  conversationId: string;
  peerId?: string;
  groupId?: string;
  lastMessage: StoredMessageView;
}

export interface FriendRequestView {
  id: string;
  fromUserId: string;
  toUserId: string;
  message?: string;
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: string;
}

export interface ApiErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string | string[];
  requestId?: string;
  details?: unknown;
}

export type GroupRole = 'owner' | 'admin' | 'member';

export interface GroupView {
  id: string;
  name: string;
  ownerId: string;
  createdAt: string;
  /** The caller's role in the group. */
  role: GroupRole;
  /** Set by `GET /groups/:id`. */
  memberCount?: number;
  /** `groupConversationId(id)`: where the group's messages live in history. */
  conversationId: string;
}

export interface GroupMemberView extends PublicUser {
  role: GroupRole;
  joinedAt: string;
}

export interface GroupJoinRequestView {
  id: string;
  groupId: string;
  userId: string;
  message?: string;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
}

/** `GET /groups/invitations`: an invitation addressed to you (`userId`), sent by `invitedBy`. */
export interface GroupInvitationView {
  id: string;
  groupId: string;
  userId: string;
  invitedBy: string;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
}

/** `POST /messages/:messageId/recall` */
export interface RecallResponse {
  messageId: string;
  conversationId: string;
  recalled: true;
}

/** `POST /conversations/:id/read` */
export interface MarkReadResponse {
  conversationId: string;
  /** The caller's read watermark after the call (unchanged if `messageId` was not newer). */
  messageId: string;
  /** False when the watermark was already at or past `messageId`. */
  advanced: boolean;
}

/** `GET /conversations/:id/reads?messageId=` */
export interface ReadCountResponse {
  count: number;
}

/** `POST /admin/notices` target: exactly one of the three. */
export type NoticeTarget = { userId: string } | { groupId: string } | { all: true };

/** `POST /admin/notices` answer. */
export interface NoticeResponse {
  noticeId: string;
  /** Inbox recipients (user or group); for `all`, omitted: the notice went to whoever was online. */
  recipients?: number;
}

/** Device platforms a login may name (`POST /auth/login {platform}`); the multi-device policy `per-platform` keys on it. */
export const DEVICE_PLATFORMS = ['web', 'ios', 'android', 'desktop', 'other'] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

/** One friend's presence (`GET /friends/presence`): online, or offline with when they were last seen (ISO). */
export interface FriendPresence {
  userId: string;
  online: boolean;
  lastSeen?: string;
}
