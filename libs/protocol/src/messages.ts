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
}

export interface PushErrorEvent {
  type: WireType.ConnectionError;
  code: PushErrorCode;
  message: string;
}

export interface AckRequest {
  seq: number;
}
