import { CLOCK, Clock, DomainError, ErrorCode, PUSH_BROADCASTER, PushBroadcaster } from '@app/core';
import { WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicy } from '@app/social';

/** One typing indicator per user and conversation per interval; more is refused (429). */
export const TYPING_INTERVAL_MS = 1000;
const MAX_TRACKED = 100_000;

/**
 * Typing indicators: ephemeral, pushed live to the other participants' sockets through the PushBroadcaster (no seq,
 * never stored; an offline user simply misses them). Throttled per (user, conversation) in this process's memory.
 */
@Injectable()
export class TypingService {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly policy: AccessPolicy,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async typing(userId: string, conversationId: string): Promise<void> {
    const { recipientIds, groupId } = await this.policy.signal(userId, conversationId);
    const key = `${userId}|${conversationId}`;
    const now = this.clock.now();
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS)
      throw new DomainError(ErrorCode.RateLimited, 'at most one typing indicator per second per conversation');
    this.remember(key, now);
    await this.broadcaster.typing(recipientIds, {
      type: WireType.Typing,
      conversationId,
      userId,
      ...(groupId && { groupId }),
    });
  }

  /** Map order is insertion order: re-inserting keeps it oldest first, so pruning stops at the first fresh entry. */
  private remember(key: string, now: number): void {
    this.lastSent.delete(key);
    this.lastSent.set(key, now);
    if (this.lastSent.size <= MAX_TRACKED) return;
    for (const [k, at] of this.lastSent) {
      if (now - at < TYPING_INTERVAL_MS && this.lastSent.size <= MAX_TRACKED) break;
      this.lastSent.delete(k);
    }
  }
}
