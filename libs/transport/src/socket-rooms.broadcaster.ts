import { PushBroadcaster } from '@app/core';
import { NoticeEvent, PresenceEvent, PUSH_EVENTS, PushErrorCode, TypingEvent, WireType } from '@app/protocol';

/** socket.io rooms every push socket joins, so broadcasts can address them from any process. */
export const pushRooms = {
  user: (userId: string) => `user:${userId}`,
  token: (tokenId: string) => `token:${tokenId}`,
};

interface RoomEmitter {
  emit(event: string, ...args: unknown[]): unknown;
}

/**
 * What socket.io's `Server` and @socket.io/redis-emitter's `Emitter` both offer: emit to everyone, to rooms, and
 * disconnect the sockets in a room.
 */
export interface SocketRooms extends RoomEmitter {
  to(rooms: string | string[]): RoomEmitter;
  in(rooms: string | string[]): RoomEmitter & { disconnectSockets(close?: boolean): unknown };
}

/**
 * The PushBroadcaster over socket.io rooms: on a push node through its own server (its Redis adapter carries it to
 * the other nodes), in a process that holds no sockets (the gateway) through the Redis emitter. `rooms` is read on
 * each call, since a gateway's server exists only once it is initialised.
 */
export class SocketRoomsBroadcaster implements PushBroadcaster {
  constructor(private readonly rooms: () => SocketRooms) {}

  async endSession(tokenId: string, reason: string): Promise<void> {
    const room = this.rooms().in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.ConnectionError, code: PushErrorCode.TokenRevoked, message: reason });
    room.disconnectSockets(true);
  }

  async kickSession(tokenId: string, reason: string): Promise<void> {
    const room = this.rooms().in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.Kicked, code: PushErrorCode.SessionReplaced, message: reason });
    room.disconnectSockets(true);
  }

  async broadcastNotice(event: NoticeEvent): Promise<void> {
    this.rooms().emit(PUSH_EVENTS.notice, event);
  }

  async typing(userIds: string[], event: TypingEvent): Promise<void> {
    if (!userIds.length) return;
    this.rooms().to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.typing, event);
  }

  async presence(userIds: string[], event: PresenceEvent): Promise<void> {
    if (!userIds.length) return;
    this.rooms().to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.presence, event);
  }
}
