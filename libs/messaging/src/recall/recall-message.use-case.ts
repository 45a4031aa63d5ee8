import { SwitchboardConfig } from '@app/config';
import { CLOCK, Clock, DISPATCHER, Dispatcher, DomainError, ErrorCode, HISTORY_STORE, HistoryStore } from '@app/core';
import { MessageRecalledData, RecallResponse, WireType } from '@app/protocol';
import { AccessPolicy } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

/**
 * POST /messages/:messageId/recall: the sender, within RECALL_WINDOW_SECONDS of sending, takes a message back.
 *
 * History forgets the text first (so whoever learns of the recall finds history agreeing), then a 208 goes through
 * dispatch to every participant, the sender's other devices included: an inbox entry, so offline devices learn it too.
 * Recalling again within the window answers the same and sends the 208 again (a retry after a failed dispatch must
 * still reach everyone; clients treat a repeated 208 as a no-op).
 */
@Injectable()
export class RecallMessageUseCase {
  constructor(
    @Inject(HISTORY_STORE) private readonly history: HistoryStore,
    @Inject(DISPATCHER) private readonly dispatcher: Dispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policy: AccessPolicy,
    private readonly config: SwitchboardConfig,
  ) {}

  async execute(userId: string, messageId: string): Promise<RecallResponse> {
    const record = await this.history.find(messageId);
    if (!record) throw new DomainError(ErrorCode.MessageNotFound, `message ${messageId} not found`);
    const recipientIds = await this.policy.recall(userId, record);
    const answer: RecallResponse = { messageId, conversationId: record.conversationId, recalled: true };
    const windowMs = this.config.RECALL_WINDOW_SECONDS * 1000;
    if (this.clock.now() - record.createdAt > windowMs) {
      if (record.recalled) return answer;
      throw new DomainError(
        ErrorCode.RecallWindowPassed,
        `a message can only be recalled within ${this.config.RECALL_WINDOW_SECONDS} s of sending it`,
      );
    }
    await this.history.markRecalled(messageId);
    const data: MessageRecalledData = { messageId, conversationId: record.conversationId };
    await this.dispatcher.dispatch({
      type: WireType.MessageRecalled,
      senderId: userId,
      recipientIds,
      conversationId: record.conversationId,
      ...(record.receiverId && { receiverId: record.receiverId }),
      ...(record.groupId && { groupId: record.groupId }),
      data: { ...data },
      storeInHistory: false,
    });
    return answer;
  }
}
