import { PUSH_BROADCASTER, PushBroadcaster } from '@app/core';
import { SocketRooms, SocketRoomsBroadcaster } from '@app/transport';
import { FactoryProvider } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import { handleDroppedCommands, REDIS_CLIENT } from './redis-connection';

/**
 * The gateway's way to reach push sockets it does not hold: @socket.io/redis-emitter publishes to the channel the
 * push nodes' @socket.io/redis-adapter listens on, so the node holding the socket acts on it. `key` must match the
 * nodes' redis-adapter key (both default to 'socket.io').
 */
export function createEmitterPushBroadcaster(redis: Redis, options: { key?: string } = {}): PushBroadcaster {
  const emitter = new Emitter(handleDroppedCommands(redis), options.key ? { key: options.key } : undefined);
  return new SocketRoomsBroadcaster(() => emitter as unknown as SocketRooms);
}

/**
 * Binds PUSH_BROADCASTER to the emitter on RedisAdaptersModule's client, for a process that holds no push sockets
 * (the gateway). Not part of RedisAdaptersModule: a push node broadcasts through its own socket.io server.
 */
export const emitterPushBroadcasterProvider: FactoryProvider<PushBroadcaster> = {
  provide: PUSH_BROADCASTER,
  inject: [REDIS_CLIENT],
  useFactory: (redis: Redis) => createEmitterPushBroadcaster(redis),
};
