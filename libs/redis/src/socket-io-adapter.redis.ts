import { createAdapter } from '@socket.io/redis-adapter';
import { createRedisClient, handleDroppedCommands } from './redis-connection';

/** A push node's @socket.io/redis-adapter and the way to release its Redis connections. */
export interface SocketIoRedisAdapter {
  /** For socket.io's `server.adapter(...)`. */
  readonly adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/**
 * @socket.io/redis-adapter on two connections of its own (a subscribed connection can send nothing else): room
 * broadcasts (ending a session, notices) published by any node or by a gateway's emitter
 * (createEmitterPushBroadcaster) reach the sockets wherever they are. Targeted delivery does not use it.
 */
export function createSocketIoRedisAdapter(redisUrl: string): SocketIoRedisAdapter {
  const pub = handleDroppedCommands(createRedisClient(redisUrl, 'socket.io-pub'));
  const sub = handleDroppedCommands(createRedisClient(redisUrl, 'socket.io-sub'));
  return {
    adapter: createAdapter(pub, sub),
    close: async () => {
      await Promise.all([pub, sub].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
