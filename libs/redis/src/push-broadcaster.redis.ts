import { PUSH_BROADCASTER, PushBroadcaster, pushRooms } from '@app/core';
import { NoticeEvent, PresenceEvent, PUSH_EVENTS, PushErrorCode, TypingEvent, WireType } from '@app/protocol';
import { FactoryProvider } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from './redis-connection';

/**
 * The gateway's way to reach push sockets it does not hold: @socket.io/redis-emitter publishes to the channel the
 * push nodes' @socket.io/redis-adapter listens on, so the node holding the socket acts on it.
 */
export class EmitterPushBroadcaster implements PushBroadcaster {
  private readonly emitter: Emitter;

  /** `key` must match the nodes' redis-adapter key (both default to 'socket.io'). */
  constructor(redis: Redis, options: { key?: string } = {}) {
    this.emitter = new Emitter(redis, options.key ? { key: options.key } : undefined);
  }

  async endSession(tokenId: string, reason: string): Promise<void> {
    const room = this.emitter.in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.ConnectionError, code: PushErrorCode.TokenRevoked, message: reason });
    room.disconnectSockets(true);
  }

  async kickSession(tokenId: string, reason: string): Promise<void> {
    const room = this.emitter.in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.Kicked, code: PushErrorCode.SessionReplaced, message: reason });
    room.disconnectSockets(true);
  }

  async broadcastNotice(event: NoticeEvent): Promise<void> {
    this.emitter.emit(PUSH_EVENTS.notice, event);
  }

  async typing(userIds: string[], event: TypingEvent): Promise<void> {
    if (!userIds.length) return;
    this.emitter.to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.typing, event);
  }

  async presence(userIds: string[], event: PresenceEvent): Promise<void> {
    if (!userIds.length) return;
    this.emitter.to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.presence, event);
  }
}

/**
 * Binds PUSH_BROADCASTER to an EmitterPushBroadcaster on RedisAdaptersModule's client, for a process that holds no
 * push sockets (the gateway). Not part of RedisAdaptersModule: a push node broadcasts through its own socket.io server.
 */
export const emitterPushBroadcasterProvider: FactoryProvider<PushBroadcaster> = {
  provide: PUSH_BROADCASTER,
  inject: [REDIS_CLIENT],
  useFactory: (redis: Redis) => new EmitterPushBroadcaster(redis),
};
