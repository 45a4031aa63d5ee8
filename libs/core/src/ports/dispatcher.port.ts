import type { WireType } from '@app/protocol';
import type { SeqAllocation } from './inbox.port';

export interface DispatchCommand {
  type: WireType;
  senderId: string;
  /** Everyone who gets an inbox entry (the sender included when their other devices should see it). */
  recipientIds: string[];
  conversationId?: string;
  receiverId?: string;
  groupId?: string;
  body?: string;
  data?: Record<string, unknown>;
  /** Present for client sends: deduplicated on (senderId, clientMsgId). */
  clientMsgId?: string;
  storeInHistory: boolean;
}

/**
 * The answer to a send, the same for its first try and every retry (stored as the dedup answer for a day). It names
 * only the sender's seq: a group send's answer holding every member's seq was ~45 bytes per member, stored per message
 * and sent back to the gateway, for one number anyone reads.
 */
export interface DispatchResult {
  messageId: string;
  createdAt: string;
  /** The sender's seq when the sender has an entry too (their other devices see the message); absent otherwise. */
  senderSeq?: number;
}

export function dispatchResultOf(
  message: { messageId: string; createdAt: string; senderId?: string },
  allocations: readonly SeqAllocation[],
): DispatchResult {
  const own = allocations.find((a) => a.userId === message.senderId);
  return {
    messageId: message.messageId,
    createdAt: message.createdAt,
    ...(own && { senderSeq: own.seq }),
  };
}

/**
 * A stored or received answer. Answers stored before `senderSeq` (and a dispatch not yet upgraded, mid-rollout) carry
 * every recipient's seq as `seqs`: the sender's is taken from there.
 */
export function readDispatchResult(answer: string | DispatchResult, senderId: string): DispatchResult {
  const parsed = (typeof answer === 'string' ? JSON.parse(answer) : answer) as DispatchResult & {
    seqs?: Record<string, number>;
  };
  const { messageId, createdAt, seqs } = parsed;
  const senderSeq = parsed.senderSeq ?? seqs?.[senderId];
  return { messageId, createdAt, ...(senderSeq !== undefined && { senderSeq }) };
}

/** The gateway's way to message-dispatch: in process in the monolith, over the network in the split. */
export interface Dispatcher {
  dispatch(command: DispatchCommand): Promise<DispatchResult>;
}

export const DISPATCHER = Symbol('Dispatcher');
