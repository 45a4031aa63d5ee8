import { DomainError, ErrorCode } from '@app/core';
import { parseConversationId } from '@app/protocol';
import { GroupMembershipCache } from '@app/social';
import { Injectable } from '@nestjs/common';

export interface ConversationParticipants {
  conversationId: string;
  /** 1:1: both users; group: its members now. */
  userIds: readonly string[];
  groupId?: string;
}

/**
 * Who takes part in a conversation, answered only to someone who does: a conversation the caller is not part of does
 * not exist for them (404), as in history. Group membership comes from the in-process cache (short TTL).
 */
@Injectable()
export class ConversationAccess {
  constructor(private readonly membership: GroupMembershipCache) {}

  async participants(userId: string, conversationId: string): Promise<ConversationParticipants> {
    const parsed = parseConversationId(conversationId);
    if (parsed?.kind === 'direct' && parsed.userIds.includes(userId))
      return { conversationId, userIds: parsed.userIds };
    if (parsed?.kind === 'group') {
      const userIds = await this.membership.memberIds(parsed.groupId);
      if (userIds.includes(userId)) return { conversationId, userIds, groupId: parsed.groupId };
    }
    throw new DomainError(ErrorCode.ConversationNotFound, `conversation ${conversationId} not found`);
  }
}
