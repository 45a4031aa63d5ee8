import { DispatchCommand, newTimeOrderedId } from '@app/core';
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
