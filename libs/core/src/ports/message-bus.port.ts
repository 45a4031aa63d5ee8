import type { OutboundMessage } from '@app/protocol';
import type { SeqAllocation } from './inbox.port';

/** What dispatch publishes for every accepted message: the message once, and each recipient's seq. */
export interface MessageEnvelope {
  message: OutboundMessage;
  recipients: SeqAllocation[];
  /** Chat content goes to history; notifications only to inboxes. */
  storeInHistory: boolean;
}

export enum ConsumerGroup {
  History = 'history',
  Offline = 'offline',
}

export type EnvelopeHandler = (envelopes: MessageEnvelope[]) => Promise<void>;

export interface BusSubscription {
  close(): Promise<void>;
}

/**
 * The message bus (DESIGN §3). `publish` resolves only once the message is durable (broker receipt, or embedded:
 * every handler has stored it). Delivery to handlers is at least once: handlers must be idempotent.
 */
export interface MessageBus {
  publish(envelope: MessageEnvelope): Promise<void>;
  subscribe(group: ConsumerGroup, handler: EnvelopeHandler): Promise<BusSubscription>;
  ping(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('MessageBus');
