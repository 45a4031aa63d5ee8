import { DISPATCHER, Dispatcher, DomainError, ErrorCode } from '@app/core';
import { SocialGraphRepository, UsersRepository } from '@app/persistence';
import { directConversationId, groupConversationId, SendMessageResponse, WireType } from '@app/protocol';
import { GroupMembershipCache } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

/** Exactly one of `toUserId` (1:1) and `toGroupId` (group). */
export type SendMessageInput = {
  senderId: string;
  body: string;
  clientMsgId: string;
} & ({ toUserId: string; toGroupId?: undefined } | { toGroupId: string; toUserId?: undefined });

/** POST /messages: authorize (1:1 on the social graph, groups on membership), then hand over to dispatch. */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly graph: SocialGraphRepository,
    private readonly membership: GroupMembershipCache,
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
    if (senderId === toUserId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you cannot message yourself');
    const [friends, blocked] = await Promise.all([
      this.graph.areFriends(senderId, toUserId),
      this.graph.isBlockedEitherWay(senderId, toUserId),
    ]);
    if (!friends) {
      if (!(await this.users.findById(toUserId)))
        throw new DomainError(ErrorCode.UserNotFound, `user ${toUserId} does not exist`);
      throw new DomainError(ErrorCode.NotFriends, 'you can only message your friends');
    }
    if (blocked) throw new DomainError(ErrorCode.Blocked, 'you cannot message this user');
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
    return { messageId: result.messageId, seq: result.seqs[senderId], conversationId, createdAt: result.createdAt };
  }

  /**
   * Every member gets one seq in their inbox, the sender too (their other devices). Membership comes from the
   * in-process cache (no per-send database round trip); a group that does not exist, was dissolved or does not have
   * the sender is the same 403 for the sender, so nothing about other groups leaks.
   */
  private async sendToGroup(
    senderId: string,
    groupId: string,
    body: string,
    clientMsgId: string,
  ): Promise<SendMessageResponse> {
    const memberIds = await this.membership.memberIds(groupId);
    if (!memberIds.includes(senderId))
      throw new DomainError(ErrorCode.NotAGroupMember, 'you can only message groups you are a member of');
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
    return { messageId: result.messageId, seq: result.seqs[senderId], conversationId, createdAt: result.createdAt };
  }
}
