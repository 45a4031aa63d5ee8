import { PushBatch } from '@app/core';
import { metrics } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { messagePackets, writePacket } from './encoded-push';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { SocketRegistry } from './socket-registry';

/** Most live pushes held back for one socket while its inbox is replayed. */
const HELD_BACK_MAX = 1000;

/** Emits a batch that dispatch routed to this node to each recipient's local sockets. */
@Injectable()
export class PushDeliveryService {
  constructor(
    private readonly registry: SocketRegistry,
    private readonly slowConsumers: SlowConsumerGuard,
  ) {}

  deliver({ message, recipients }: PushBatch): void {
    let emitted = 0;
    const packetFor = messagePackets(message);
    for (const { userId, seq } of recipients) {
      const sockets = this.registry.socketsOf(userId);
      if (!sockets.size) continue;
      // one packet per recipient for all their sockets; the object only for a socket still replaying its inbox
      let packet: string | undefined;
      for (const socket of sockets) {
        if (socket.data.heldBack) {
          // bounded: past it the inbox holds them, and `connected` names the head so the client pulls them
          if (socket.data.heldBack.length < HELD_BACK_MAX) socket.data.heldBack.push({ ...message, seq });
          else socket.data.heldBackBeyond = Math.max(socket.data.heldBackBeyond ?? 0, seq);
        } else if (this.slowConsumers.admit(socket)) writePacket(socket, (packet ??= packetFor(seq)));
        else continue;
        emitted++;
      }
    }
    metrics.pushDeliveries.inc(emitted);
  }
}
