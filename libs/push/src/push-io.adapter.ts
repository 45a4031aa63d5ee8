import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Observable } from 'rxjs';
import type { Socket } from 'socket.io';

type MessageHandlers = Parameters<IoAdapter['bindMessageHandlers']>[1];

/**
 * socket.io for the push gateway. The gateway has no @SubscribeMessage handler (its one client event, `ack`, is a
 * plain listener: see push.gateway.ts), yet Nest's IoAdapter builds a disconnect stream per socket all the same
 * (fromEvent → share → first: four observables and ~15 closures), kept with the socket for nothing. With no handler
 * to bind, nothing is built.
 */
export class PushIoAdapter extends IoAdapter {
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageHandlers,
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length > 0) super.bindMessageHandlers(socket, handlers, transform);
  }
}
