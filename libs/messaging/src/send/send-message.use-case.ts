import { DISPATCHER, Dispatcher } from '@app/core';
import { directConversationId, groupConversationId, SendMessageResponse, WireType } from '@app/protocol';
import { AccessPolicy } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

/** Exactly one of `toUserId` (1:1) and `toGroupId` (group). */
export type SendMessageInput = {
  senderId: string;
  body: string;
  clientMsgId: string;
} & ({ toUserId: string; toGroupId?: undefined } | { toGroupId: string; toUserId?: undefined });

/** POST /messages: authorize (the social AccessPolicy), then hand over to dispatch. */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly policy: AccessPolicy,
    @Inject(DISPATCHER) private readonly dispatcher: Dispatcher,
  ) {}

  execute(input: SendMessageInput): Promise<SendMessageResponse> {
    return input.toGroupId !== undefined
      ? this.sendToGroup(input.senderId, input.toGroupId, input.body, input.clientMsgId)
      : this.sendToUser(input.senderId, input.toUserId, input.body, input.clientMsgId);
  }

  private async sendToUser(
    senderId: string,
    toUserId: string,
    body: string,
    clientMsgId: string,
  ): Promise<SendMessageResponse> {
    await this.policy.sendDirect(senderId, toUserId);
    const conversationId = directConversationId(senderId, toUserId);
    const result = await this.dispatcher.dispatch({
      type: WireType.FriendMessage,
      senderId,
      // the sender's own inbox too, so their other devices get it
      recipientIds: [toUserId, senderId],
      conversationId,
      receiverId: toUserId,
      body,
      clientMsgId,
      storeInHistory: true,
    });
    return { messageId: result.messageId, seq: result.senderSeq!, conversationId, createdAt: result.createdAt };
  }

  /**
   * Every member gets one seq in their inbox, the sender too (their other devices), except members in a block with the
   * sender. The policy answers from its caches (no per-send database round trip).
   */
  private async sendToGroup(
    senderId: string,
    groupId: string,
    body: string,
    clientMsgId: string,
  ): Promise<SendMessageResponse> {
    const { recipientIds: memberIds } = await this.policy.sendToGroup(senderId, groupId);
    const conversationId = groupConversationId(groupId);
    const result = await this.dispatcher.dispatch({
      type: WireType.GroupMessage,
      senderId,
      recipientIds: [...memberIds],
      conversationId,
      groupId,
      body,
      clientMsgId,
      storeInHistory: true,
    });
    return { messageId: result.messageId, seq: result.senderSeq!, conversationId, createdAt: result.createdAt };
  }
}
