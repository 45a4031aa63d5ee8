import { PushBroadcaster, pushRooms } from '@app/core';
import { PushErrorCode, WireType } from '@app/protocol';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';

/**
 * The gateway's way to reach push sockets it does not hold: @socket.io/redis-emitter publishes to the channel the
 * push nodes' @socket.io/redis-adapter listens on, so the node holding the socket acts on it.
 */
export class EmitterPushBroadcaster implements PushBroadcaster {
  private readonly emitter: Emitter;

  constructor(redis: Redis) {
    this.emitter = new Emitter(redis);
  }

  async endSession(tokenId: string, reason: string): Promise<void> {
    const room = this.emitter.in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.ConnectionError, code: PushErrorCode.TokenRevoked, message: reason });
    room.disconnectSockets(true);
  }
}
