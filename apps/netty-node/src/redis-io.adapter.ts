import { createSocketIoRedisAdapter, SocketIoRedisAdapter } from '@app/redis';
import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io on a push node with @socket.io/redis-adapter (built by libs/redis): room broadcasts published by any node
 * or by a gateway reach the sockets wherever they are.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly redis: SocketIoRedisAdapter;

  constructor(app: INestApplicationContext, redisUrl: string) {
    super(app);
    this.redis = createSocketIoRedisAdapter(redisUrl);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(this.redis.adapter);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await this.redis.close();
  }
}
