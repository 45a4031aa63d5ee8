import type { PushBatch } from '@app/core';

/** One frame on the dispatch → push node internal WebSocket: a batch for this node (the message once, then seqs). */
export type InternalPushFrame = PushBatch;

/** A frame as it came off the wire, checked before the node acts on it. */
export function isInternalPushFrame(value: unknown): value is InternalPushFrame {
  const frame = value as Partial<InternalPushFrame> | null;
  return (
    typeof frame === 'object' &&
    frame !== null &&
    typeof frame.message === 'object' &&
    frame.message !== null &&
    Array.isArray(frame.recipients) &&
    frame.recipients.every((r) => typeof r?.userId === 'string' && Number.isSafeInteger(r?.seq))
  );
}
