import { createRedisClient } from '@app/redis';
import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io on a push node with @socket.io/redis-adapter: room broadcasts (ending a session, notices) published by
 * any node or by a gateway's emitter reach the sockets wherever they are. Targeted delivery does not use it.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: Redis[];

  constructor(app: INestApplicationContext, redisUrl: string) {
    super(app);
    this.clients = [createRedisClient(redisUrl, 'socket.io-pub'), createRedisClient(redisUrl, 'socket.io-sub')];
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(createAdapter(this.clients[0], this.clients[1]));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
