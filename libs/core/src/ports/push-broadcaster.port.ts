import type { NoticeEvent, PresenceEvent, TypingEvent } from '@app/protocol';

/**
 * Cross-node pushes to connections rather than to inboxes: ending and kicking sessions, notices, typing. In a cluster this
 * goes through @socket.io/redis-adapter so it reaches whichever node holds the sockets.
 */
export interface PushBroadcaster {
  /** Tells every socket opened with this access token that its session ended, and disconnects it. */
  endSession(tokenId: string, reason: string): Promise<void>;
  /**
   * Kicks the sockets opened with this access token because a newer login replaced the session (multi-device
   * policy): `error` {type 211, code SESSION_REPLACED, message: reason}, then a disconnect.
   */
  kickSession(tokenId: string, reason: string): Promise<void>;
  /** A live-only system notice to every connected socket (`notice` event, no seq). */
  broadcastNotice(event: NoticeEvent): Promise<void>;
  /** An ephemeral typing indicator to these users' sockets (`typing` event, no seq, never stored). */
  typing(userIds: string[], event: TypingEvent): Promise<void>;
  /** A friend's presence change to these users' sockets (`presence` event, type 213, no seq, never stored). */
  presence(userIds: string[], event: PresenceEvent): Promise<void>;
}

export const PUSH_BROADCASTER = Symbol('PushBroadcaster');
