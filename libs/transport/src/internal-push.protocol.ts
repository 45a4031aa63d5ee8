import type { PushDelivery } from '@app/core';

/** One frame on the dispatch → push node internal WebSocket: a batch for this node. */
export interface InternalPushFrame {
  deliveries: PushDelivery[];
}
