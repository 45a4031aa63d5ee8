import { WireType } from './wire-type';

/**
 * One item of a user's inbox as the client sees it, live or replayed. `seq` is the position in THIS user's inbox;
 * the same message has a different `seq` for each recipient.
 */
export interface PushMessage {
  type: WireType;
  messageId: string;
  seq: number;
  conversationId?: string;
  senderId?: string;
  receiverId?: string;
  groupId?: string;
  body?: string;
  /** ISO-8601 */
  createdAt: string;
  /** Type-specific extras (e.g. a friend request's id). */
  data?: Record<string, unknown>;
}

/** A message as accepted by dispatch, before it is given per-recipient sequence numbers. */
export type OutboundMessage = Omit<PushMessage, 'seq'>;

export interface ConnectedEvent {
  type: WireType.Connected;
  nodeId: string;
  /** Highest sequence number allocated in the caller's inbox when replay ended. */
  headSeq: number;
  /** Number of inbox entries replayed before this event. */
  replayed: number;
}

export enum PushErrorCode {
  TokenMissing = 'TOKEN_MISSING',
  TokenInvalid = 'TOKEN_INVALID',
  TokenRevoked = 'TOKEN_REVOKED',
  TokenWrongNode = 'TOKEN_WRONG_NODE',
  BadRequest = 'BAD_REQUEST',
  NodeDraining = 'NODE_DRAINING',
  Internal = 'INTERNAL',
  /** A newer login of the same user ended this session (multi-device policy); sent with type 211. Do not reconnect. */
  SessionReplaced = 'SESSION_REPLACED',
  /** The socket stopped reading and the node dropped it; reconnect with the last seq held (the inbox has the rest). */
  SlowConsumer = 'SLOW_CONSUMER',
  /** Too many live connections for this user or from this address; close another first. */
  TooManyConnections = 'TOO_MANY_CONNECTIONS',
  /** Too many events from this socket; the extra ones were dropped (acks: the next ack covers them). */
  RateLimited = 'RATE_LIMITED',
}

/**
 * An `error` event: type 202 (the node refused or dropped the connection) or 211 (kicked: a newer login replaced
 * this session, code `SESSION_REPLACED`; the token is revoked, so log in again instead of reconnecting).
 */
export interface PushErrorEvent {
  type: WireType.ConnectionError | WireType.Kicked;
  code: PushErrorCode;
  message: string;
}

export interface AckRequest {
  seq: number;
}

/**
 * `data` of a type 208 (MessageRecalled) inbox entry, sent to every participant of the conversation (the sender's
 * other devices included): the message `messageId` was recalled; drop its text. History and search show it as
 * `recalled: true` with an empty body from then on.
 */
export interface MessageRecalledData {
  messageId: string;
  conversationId: string;
}

/**
 * `data` of a type 209 (ReadReceipt) inbox entry: `userId` has read `conversationId` up to and including
 * `messageId` (a read watermark; it only moves forward). 1:1: sent to the other participant; groups: to the members.
 */
export interface ReadReceiptData {
  conversationId: string;
  userId: string;
  messageId: string;
}

/**
 * `data` of a type 215 (GroupInvitation) inbox entry, sent to the invitee: accept or decline `invitationId` with
 * `POST /groups/invitations/:id/accept` or `/decline`. `from` is the owner or admin who invited.
 */
export interface GroupInvitationData {
  invitationId: string;
  groupId: string;
  groupName?: string;
  from?: { id: string; username: string; nickname: string };
}

/**
 * A type 210 (SystemNotice) inbox entry carries the notice text in `body` and `senderId` = {@link SYSTEM_SENDER_ID};
 * `data` is {@link SystemNoticeData}. A notice to everyone online is not an inbox entry: it arrives as a `notice`
 * socket event ({@link NoticeEvent}) without a seq.
 */
export interface SystemNoticeData {
  noticeId: string;
  /** Set when the notice was sent to a group. */
  groupId?: string;
}

/** The sender id carried by system notices (no user has it: user ids are UUIDs). */
export const SYSTEM_SENDER_ID = 'system';

/** `notice` socket event: a live-only system notice to everyone online (type 210, no seq, never stored). */
export interface NoticeEvent {
  type: WireType.SystemNotice;
  noticeId: string;
  body: string;
  /** ISO-8601 */
  createdAt: string;
}

/** `typing` socket event (type 212): `userId` is typing in `conversationId`. Ephemeral: no seq, never stored. */
export interface TypingEvent {
  type: WireType.Typing;
  conversationId: string;
  userId: string;
  /** Set for group conversations. */
  groupId?: string;
}

/** `data` of a presence change: the friend `userId` went online or offline (`lastSeen`, ISO time, when offline). */
export interface PresenceData {
  userId: string;
  online: boolean;
  lastSeen?: string;
}

/** `presence` socket event (type 213): a friend went online or offline. Live only: no seq, never stored. */
export interface PresenceEvent {
  type: WireType.Presence;
  data: PresenceData;
}
