import type { WireType } from '@app/protocol';

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

export interface DispatchResult {
  messageId: string;
  createdAt: string;
  /** Each recipient's seq. */
  seqs: Record<string, number>;
}

/** The gateway's way to message-dispatch: in process in the monolith, over the network in the split. */
export interface Dispatcher {
  dispatch(command: DispatchCommand): Promise<DispatchResult>;
}

export const DISPATCHER = Symbol('Dispatcher');
