import { CLOCK, Clock } from '@app/core';
import { ReadReceiptsRepository } from '@app/persistence';
import { MarkReadResponse, ReadCountResponse, ReadReceiptData, WireType } from '@app/protocol';
import { AccessPolicy, Notifier } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Read receipts: a per-(user, conversation) watermark in the relational store that only moves forward. When it moves,
 * a 209 goes to the other participants (1:1: the other user; group: the other members) through dispatch, so offline
 * devices get it from their inbox. The watermark is stored first: a failed notification is logged, not fatal.
 */
@Injectable()
export class ReadReceiptsService {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly reads: ReadReceiptsRepository,
    private readonly notifier: Notifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async markRead(userId: string, conversationId: string, messageId: string): Promise<MarkReadResponse> {
    const { recipientIds, groupId } = await this.policy.receipt(userId, conversationId, messageId);
    const result = await this.reads.advance(userId, conversationId, messageId, this.clock.now());
    if (result.advanced) {
      const data: ReadReceiptData = { conversationId, userId, messageId };
      await this.notifier.notifyMany(
        WireType.ReadReceipt,
        userId,
        recipientIds,
        { ...data },
        groupId ? { groupId } : {},
      );
    }
    return { conversationId, messageId: result.messageId, advanced: result.advanced };
  }

  /** Participants other than the caller whose watermark is at or past `messageId` (group: current members only). */
  async readCount(userId: string, conversationId: string, messageId: string): Promise<ReadCountResponse> {
    const { groupId } = await this.policy.read(userId, conversationId);
    return { count: await this.reads.countReaders(conversationId, messageId, userId, groupId) };
  }
}
