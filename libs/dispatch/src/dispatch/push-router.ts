import { PRESENCE_STORE, PresenceStore, PUSH_TRANSPORT, PushTransport, SeqAllocation } from '@app/core';
import type { OutboundMessage } from '@app/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

/**
 * The fast path: look up every recipient's routes in one call and send one batch per push node. Failures only cost
 * latency (the inbox has the message), so they are logged, never thrown.
 */
@Injectable()
export class PushRouter {
  private readonly logger = new Logger(PushRouter.name);

  constructor(
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(PUSH_TRANSPORT) private readonly transport: PushTransport,
  ) {}

  async push(message: OutboundMessage, recipients: SeqAllocation[]): Promise<void> {
    try {
      const routes = await this.presence.routesOf([...new Set(recipients.map((r) => r.userId))]);
      const batches = new Map<string, SeqAllocation[]>();
      for (const recipient of recipients) {
        // once per node and user: the node emits it to each of that user's sockets
        const nodes = new Set((routes.get(recipient.userId) ?? []).map((r) => r.nodeId));
        for (const nodeId of nodes) {
          let batch = batches.get(nodeId);
          if (!batch) batches.set(nodeId, (batch = []));
          batch.push(recipient);
        }
      }
      await Promise.all(
        [...batches].map(([nodeId, nodeRecipients]) =>
          this.transport
            .deliver(nodeId, { message, recipients: nodeRecipients })
            .catch((error) => this.logger.warn({ err: error, nodeId }, 'push to node failed; inbox will serve it')),
        ),
      );
    } catch (error) {
      this.logger.warn({ err: error, messageId: message.messageId }, 'push skipped; inbox will serve it');
    }
  }
}
