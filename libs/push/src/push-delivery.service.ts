import { PushDelivery } from '@app/core';
import { metrics } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { SocketRegistry } from './socket-registry';

/** Emits a batch that dispatch routed to this node to each recipient's local sockets. */
@Injectable()
export class PushDeliveryService {
  constructor(private readonly registry: SocketRegistry) {}

  deliver(deliveries: PushDelivery[]): void {
    let emitted = 0;
    for (const { userId, message } of deliveries) {
      for (const socket of this.registry.socketsOf(userId)) {
        if (socket.data.heldBack) socket.data.heldBack.push(message);
        else socket.emit('message', message);
        emitted++;
      }
    }
    metrics.pushDeliveries.inc(emitted);
  }
}
