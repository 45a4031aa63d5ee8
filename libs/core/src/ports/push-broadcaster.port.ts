import type { NoticeEvent, TypingEvent } from '@app/protocol';

/**
 * Cross-node pushes to connections rather than to inboxes: ending sessions now, notices later. In a cluster this
 * goes through @socket.io/redis-adapter so it reaches whichever node holds the sockets.
 */
export interface PushBroadcaster {
  /** Tells every socket opened with this access token that its session ended, and disconnects it. */
  endSession(tokenId: string, reason: string): Promise<void>;
  /** A live-only system notice to every connected socket (`notice` event, no seq). */
  broadcastNotice(event: NoticeEvent): Promise<void>;
  /** An ephemeral typing indicator to these users' sockets (`typing` event, no seq, never stored). */
  typing(userIds: string[], event: TypingEvent): Promise<void>;
}

export const PUSH_BROADCASTER = Symbol('PushBroadcaster');

/** socket.io rooms every push socket joins, so broadcasts can address them from any process. */
export const pushRooms = {
  user: (userId: string) => `user:${userId}`,
  token: (tokenId: string) => `token:${tokenId}`,
};
