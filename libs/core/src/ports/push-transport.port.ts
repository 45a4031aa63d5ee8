import type { PushMessage } from '@app/protocol';

export interface PushDelivery {
  userId: string;
  message: PushMessage;
}

/** Dispatch → push node: one batch per node (DESIGN §5). Best effort: the inbox is what guarantees delivery. */
export interface PushTransport {
  deliver(nodeId: string, deliveries: PushDelivery[]): Promise<void>;
}

export const PUSH_TRANSPORT = Symbol('PushTransport');
