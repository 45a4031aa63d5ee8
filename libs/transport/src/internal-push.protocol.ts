import type { PushBatch } from '@app/core';

/**
 * One frame on the dispatch → push node internal WebSocket: every batch for this node from one event-loop turn of
 * dispatch (each batch: a message once, then its recipients' seqs on this node).
 */
export type InternalPushFrame = PushBatch[];

function isPushBatch(value: unknown): value is PushBatch {
  const batch = value as Partial<PushBatch> | null;
  return (
    typeof batch === 'object' &&
    batch !== null &&
    typeof batch.message === 'object' &&
    batch.message !== null &&
    Array.isArray(batch.recipients) &&
    batch.recipients.every((r) => typeof r?.userId === 'string' && Number.isSafeInteger(r?.seq))
  );
}

/** A frame as it came off the wire, checked before the node acts on it. */
export function isInternalPushFrame(value: unknown): value is InternalPushFrame {
  return Array.isArray(value) && value.every(isPushBatch);
}
