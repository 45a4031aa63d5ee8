import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { keepUpgradeResponse } from './upgrade-request';

type MessageHandlers = Parameters<IoAdapter['bindMessageHandlers']>[1];

/**
 * socket.io for the push gateway. The gateway has no @SubscribeMessage handler (its one client event, `ack`, is a
 * plain listener: see push.gateway.ts), yet Nest's IoAdapter builds a disconnect stream per socket all the same
 * (fromEvent → share → first: four observables and ~15 closures), kept with the socket for nothing. With no handler
 * to bind, nothing is built. The engine keeps each upgrade's response so that the gateway can release the upgrade
 * request once the connection is admitted (see upgrade-request.ts).
 */
export class PushIoAdapter extends IoAdapter {
  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.engine.use(keepUpgradeResponse);
    return server;
  }

  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageHandlers,
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length > 0) super.bindMessageHandlers(socket, handlers, transform);
  }
}
