import type { OutboundMessage } from '@app/protocol';
import type { SeqAllocation } from './inbox.port';

/**
 * One message for those of its recipients that a node holds, each with the seq of their own inbox. The message
 * crosses the wire once per node, however many members of a group that node holds; the node adds each one's seq.
 */
export interface PushBatch {
  message: OutboundMessage;
  recipients: SeqAllocation[];
}

/**
 * Dispatch → push node: one batch per node (see docs/architecture.md, 'The cluster'). Best effort: the inbox is what
 * guarantees delivery.
 */
export interface PushTransport {
  deliver(nodeId: string, batch: PushBatch): Promise<void>;
}

export const PUSH_TRANSPORT = Symbol('PushTransport');
