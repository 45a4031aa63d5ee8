import { HISTORY_STORE, HistoryRecord, HistoryScope, HistoryStore } from '@app/core';
import { ConversationSummary, HistoryPage, StoredMessageView } from '@app/protocol';
import { AccessPolicy } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

/** History and search, always limited to what the caller may read. */
@Injectable()
export class HistoryQueryService {
  constructor(
    @Inject(HISTORY_STORE) private readonly history: HistoryStore,
    private readonly policy: AccessPolicy,
  ) {}

  async page(userId: string, conversationId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
    await this.policy.read(userId, conversationId);
    const records = await this.history.page({ conversationId, before, limit: limit + 1 });
    const items = records.slice(0, limit).map(toView);
    return { items, ...(records.length > limit && { nextBefore: items[items.length - 1].messageId }) };
  }

  async search(
    userId: string,
    text: string,
    conversationId: string | undefined,
    limit: number,
  ): Promise<StoredMessageView[]> {
    if (conversationId) await this.policy.read(userId, conversationId);
    return (await this.history.search({ scope: await this.scopeOf(userId), text, conversationId, limit })).map(toView);
  }

  async conversations(userId: string, limit: number): Promise<ConversationSummary[]> {
    const latest = await this.history.latestPerConversation(await this.scopeOf(userId), limit);
    return latest.map((r) => ({
      conversationId: r.conversationId,
      ...(r.groupId ? { groupId: r.groupId } : { peerId: r.senderId === userId ? r.receiverId : r.senderId }),
      lastMessage: toView(r),
    }));
  }

  /** The caller's 1:1s and the groups they are a member of now (read fresh: membership decides access). */
  private async scopeOf(userId: string): Promise<HistoryScope> {
    return { userId, groupIds: await this.policy.readableGroupIds(userId) };
  }
}

function toView(r: HistoryRecord): StoredMessageView {
  return {
    messageId: r.messageId,
    type: r.type,
    conversationId: r.conversationId,
    senderId: r.senderId,
    ...(r.receiverId && { receiverId: r.receiverId }),
    ...(r.groupId && { groupId: r.groupId }),
    body: r.recalled ? '' : r.body,
    createdAt: new Date(r.createdAt).toISOString(),
    ...(r.recalled && { recalled: true }),
  };
}
