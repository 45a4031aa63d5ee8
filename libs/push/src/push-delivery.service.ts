import { PushBatch } from '@app/core';
import { metrics } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { SocketRegistry } from './socket-registry';

/** Emits a batch that dispatch routed to this node to each recipient's local sockets. */
@Injectable()
export class PushDeliveryService {
  constructor(
    private readonly registry: SocketRegistry,
    private readonly slowConsumers: SlowConsumerGuard,
  ) {}

  deliver({ message, recipients }: PushBatch): void {
    let emitted = 0;
    for (const { userId, seq } of recipients) {
      const sockets = this.registry.socketsOf(userId);
      if (!sockets.size) continue;
      const own = { ...message, seq };
      for (const socket of sockets) {
        if (socket.data.heldBack) socket.data.heldBack.push(own);
        else if (this.slowConsumers.admit(socket)) socket.emit('message', own);
        else continue;
        emitted++;
      }
    }
    metrics.pushDeliveries.inc(emitted);
  }
}
