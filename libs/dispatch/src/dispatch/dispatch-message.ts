import { DispatchCommand, DispatchResult, newTimeOrderedId, SeqAllocation } from '@app/core';
import type { OutboundMessage } from '@app/protocol';

export const HOUR = 3600_000;

/** The message a send becomes: a time-ordered id, the sender's clock time, and only the fields the command carries. */
export function outboundMessageOf(command: DispatchCommand, now: number): OutboundMessage {
  return {
    type: command.type,
    messageId: newTimeOrderedId(),
    senderId: command.senderId,
    createdAt: new Date(now).toISOString(),
    ...(command.conversationId && { conversationId: command.conversationId }),
    ...(command.receiverId && { receiverId: command.receiverId }),
    ...(command.groupId && { groupId: command.groupId }),
    ...(command.body !== undefined && { body: command.body }),
    ...(command.data && { data: command.data }),
  };
}

/** The answer to a send: the same for its first try and for any retry of it. */
export function answerOf(message: OutboundMessage, allocations: SeqAllocation[]): DispatchResult {
  return {
    messageId: message.messageId,
    createdAt: message.createdAt,
    seqs: Object.fromEntries(allocations.map((a) => [a.userId, a.seq])),
  };
}
