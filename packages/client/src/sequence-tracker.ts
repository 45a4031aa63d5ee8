import { PushMessage, WireType } from '@app/protocol';

/**
 * Client-side delivery contract: messages are released to the app in seq order, each once. Out-of-order arrivals
 * wait for the gap to close; `gap` tells the caller a resync is needed.
 */
export class SequenceTracker {
  private readonly waiting = new Map<number, PushMessage>();

  constructor(
    private contiguous: number,
    private readonly release: (message: PushMessage) => void,
  ) {}

  /** Highest seq such that every seq up to it has been released or skipped. */
  get lastSeq(): number {
    return this.contiguous;
  }

  /** True while a message is held back behind a missing seq. */
  get gap(): boolean {
    return this.waiting.size > 0;
  }

  /** Offers a message; returns false if it was a duplicate. */
  offer(message: PushMessage): boolean {
    if (message.seq <= this.contiguous || this.waiting.has(message.seq)) return false;
    this.waiting.set(message.seq, message);
    this.drain();
    return true;
  }

  /**
   * After a complete inbox read: every seq up to `settledThrough` that is neither held nor pending is gone (acked by
   * another device, or past retention): skip it so the client does not wait forever.
   */
  settle(settledThrough: number, pending: ReadonlySet<number>): number[] {
    const skipped: number[] = [];
    while (this.contiguous < settledThrough) {
      const next = this.contiguous + 1;
      if (pending.has(next)) break;
      if (!this.waiting.has(next)) {
        skipped.push(next);
        this.contiguous = next;
      }
      this.drain();
    }
    return skipped;
  }

  private drain(): void {
    for (let next = this.waiting.get(this.contiguous + 1); next; next = this.waiting.get(this.contiguous + 1)) {
      this.waiting.delete(next.seq);
      this.contiguous = next.seq;
      if (next.type !== WireType.SequenceBurnt) this.release(next);
    }
  }
}
