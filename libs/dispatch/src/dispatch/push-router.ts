import { PRESENCE_STORE, PresenceStore, PUSH_TRANSPORT, PushTransport, Route, SeqAllocation } from '@app/core';
import type { OutboundMessage } from '@app/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

export type RecipientRoutes = Promise<Map<string, Route[]>>;

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

  /**
   * Starts the routes lookup for a later `push`, so a caller can issue it beside its own last store call (one round
   * trip for both where they share an engine). `push` looks up again if it failed; a lookup never pushed is harmless.
   */
  lookup(recipients: SeqAllocation[]): RecipientRoutes {
    const routes = this.presence.routesOf([...new Set(recipients.map((r) => r.userId))]);
    routes.catch(() => undefined);
    return routes;
  }

  async push(message: OutboundMessage, recipients: SeqAllocation[], lookedUp?: RecipientRoutes): Promise<void> {
    try {
      // an early lookup that failed (Redis away while the caller's own step was retried) is tried once more, now
      const routes = await (lookedUp?.catch(() => this.lookup(recipients)) ?? this.lookup(recipients));
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
