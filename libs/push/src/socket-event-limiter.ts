import { SwitchboardConfig } from '@app/config';
import { PushErrorCode, WireType } from '@app/protocol';
import { Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { PushSocket } from './socket-registry';

/**
 * Rate limit on what one socket sends (acks are the only client event): past `PUSH_SOCKET_EVENTS_PER_SECOND` an event
 * is dropped before any handler runs, and the client is told once per second with a RATE_LIMITED error event.
 * Dropping an ack loses nothing: acks are cumulative and the client's next one covers it.
 */
@Injectable()
export class SocketEventLimiter {
  private readonly events: RateLimiterMemory;
  private readonly warnings = new RateLimiterMemory({ points: 1, duration: 1 });

  constructor(config: SwitchboardConfig) {
    this.events = new RateLimiterMemory({ points: config.PUSH_SOCKET_EVENTS_PER_SECOND, duration: 1 });
  }

  install(socket: PushSocket): void {
    socket.use((_packet, next) => {
      this.events.consume(socket.id).then(
        () => next(),
        () => this.refuse(socket),
      );
    });
  }

  private refuse(socket: PushSocket): void {
    this.warnings.consume(socket.id).then(
      () =>
        socket.emit('error', {
          type: WireType.ConnectionError,
          code: PushErrorCode.RateLimited,
          message: 'too many events from this socket; the extra ones were dropped',
        }),
      () => undefined,
    );
  }
}
