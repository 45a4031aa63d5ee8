import { createSocketIoRedisAdapter, SocketIoRedisAdapter } from '@app/redis';
import { PushIoAdapter } from '@app/push';
import { INestApplicationContext } from '@nestjs/common';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io on a push node with @socket.io/redis-adapter (built by libs/redis): room broadcasts published by any node
 * or by a gateway reach the sockets wherever they are. The push gateway's own adapter otherwise (PushIoAdapter).
 */
export class RedisIoAdapter extends PushIoAdapter {
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
