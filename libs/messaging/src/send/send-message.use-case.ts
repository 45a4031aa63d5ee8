import { DISPATCHER, Dispatcher, DomainError, ErrorCode } from '@app/core';
import { SocialGraphRepository, UsersRepository } from '@app/persistence';
import { directConversationId, SendMessageResponse, WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';

export interface SendMessageInput {
  senderId: string;
  toUserId: string;
  body: string;
  clientMsgId: string;
}

/** POST /messages (1:1): authorize on the social graph, then hand over to dispatch. */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly graph: SocialGraphRepository,
    @Inject(DISPATCHER) private readonly dispatcher: Dispatcher,
  ) {}

  async execute(input: SendMessageInput): Promise<SendMessageResponse> {
    const { senderId, toUserId } = input;
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
      body: input.body,
      clientMsgId: input.clientMsgId,
      storeInHistory: true,
    });
    return { messageId: result.messageId, seq: result.seqs[senderId], conversationId, createdAt: result.createdAt };
  }
}
