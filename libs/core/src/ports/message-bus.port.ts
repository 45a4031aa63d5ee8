import type { OutboundMessage } from '@app/protocol';
import type { SeqAllocation } from './inbox.port';

/** What dispatch publishes for every accepted message: the message once, and each recipient's seq. */
export interface MessageEnvelope {
  message: OutboundMessage;
  recipients: SeqAllocation[];
  /** Chat content goes to history; notifications only to inboxes. */
  storeInHistory: boolean;
  /**
   * A tombstone, not a message: the send of `message` was voided after the broker may have taken it, so history must
   * forget it (its seqs are burnt: no inbox writes; `recipients` is empty).
   */
  discard?: true;
}

export enum ConsumerGroup {
  History = 'history',
  Offline = 'offline',
}

/**
 * What a handler reports for a batch: the positions of the entries it could not store. Those come back later; the
 * others are settled (acked) and never handed over again. Nothing reported (or throwing) settles all or none.
 */
export interface BatchOutcome {
  failed: number[];
}

export type EnvelopeHandler = (envelopes: MessageEnvelope[]) => Promise<void | BatchOutcome>;

export interface BusSubscription {
  close(): Promise<void>;
}

/**
 * The message bus (see docs/architecture.md, 'The path of one message'). `publish` resolves only once the message is
 * durable (broker receipt, or embedded: every handler has stored it). Delivery to handlers is at least once: handlers
 * must be idempotent.
 */
export interface MessageBus {
  publish(envelope: MessageEnvelope): Promise<void>;
  subscribe(group: ConsumerGroup, handler: EnvelopeHandler): Promise<BusSubscription>;
  ping(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('MessageBus');
