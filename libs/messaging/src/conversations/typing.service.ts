import { PUSH_BROADCASTER, PushBroadcaster } from '@app/core';
import { WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicy } from '@app/social';

/**
 * Typing indicators: ephemeral, pushed live to the other participants' sockets through the PushBroadcaster (no seq,
 * never stored; an offline user simply misses them). One per second per user and conversation: the route's `typing`
 * rate limit (libs/platform), counted in the store every gateway shares.
 */
@Injectable()
export class TypingService {
  constructor(
    private readonly policy: AccessPolicy,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
  ) {}

  async typing(userId: string, conversationId: string): Promise<void> {
    const { recipientIds, groupId } = await this.policy.signal(userId, conversationId);
    await this.broadcaster.typing(recipientIds, {
      type: WireType.Typing,
      conversationId,
      userId,
      ...(groupId && { groupId }),
    });
  }
}
