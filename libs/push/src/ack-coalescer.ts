import { SwitchboardConfig } from '@app/config';
import { InboxService } from '@app/inbox';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

/**
 * Acks become few inbox watermark updates. Acks are cumulative, so only a user's highest seq matters:
 * - a user's first ack after a quiet window is written at the end of its event-loop turn (with every other such ack of
 *   that turn), so a chat at human pace sees its watermark move at once;
 * - while that user keeps acking, their acks are held and written once per window (PUSH_ACK_WINDOW_MS), at the
 *   highest seq.
 * A busy recipient acks every push (two per 1:1 message, counting the sender's own copy); written one by one, those
 * were two of every three writes of the one-process server. A watermark that lags by a window costs nothing in the
 * delivery contract: a reconnecting client replays after the `lastSeq` it holds, and entries up to the watermark are
 * dropped by the next write. A held ack is written on shutdown; a crash loses at most one window of them, which only
 * keeps already-delivered entries until the next ack. A failed write is logged and the client's next ack carries it.
 */
@Injectable()
export class AckCoalescer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AckCoalescer.name);
  /** Written at the end of this turn. */
  private thisTurn = new Map<string, number>();
  /** Written at the next window tick. */
  private held = new Map<string, number>();
  /** Users written in the current window: their next acks are held. Bounded by the users acking in one window. */
  private recent = new Set<string>();
  private turnScheduled = false;
  private ticker?: NodeJS.Timeout;
  private closing = false;
  private readonly writes = new Set<Promise<unknown>>();
  private readonly windowMs: number;

  constructor(
    private readonly inbox: InboxService,
    config: SwitchboardConfig,
  ) {
    this.windowMs = config.PUSH_ACK_WINDOW_MS;
  }

  ack(userId: string, seq: number): void {
    if (this.recent.has(userId) && !this.thisTurn.has(userId) && !this.closing) {
      raise(this.held, userId, seq);
      return;
    }
    raise(this.thisTurn, userId, seq);
    this.recent.add(userId);
    // once closing, nothing is held, so no window is needed
    if (!this.closing) this.ticker ??= setInterval(() => this.tick(), this.windowMs).unref();
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => this.flushTurn());
  }

  /** Writes what is held, and from then on every ack at the end of its turn. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.tick();
    await Promise.allSettled([...this.writes]);
  }

  private flushTurn(): void {
    this.turnScheduled = false;
    const batch = this.thisTurn;
    this.thisTurn = new Map();
    this.write(batch);
  }

  private tick(): void {
    const batch = this.held;
    this.held = new Map();
    // whoever was held is still acking: they stay throttled for another window; the others are quiet again
    this.recent = new Set(batch.keys());
    if (this.recent.size === 0 || this.closing) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.write(batch);
  }

  private write(batch: Map<string, number>): void {
    for (const [userId, seq] of batch) {
      const write = this.inbox
        .ack(userId, seq)
        .catch((error) => this.logger.warn({ err: error, userId }, 'ack not stored; the client will ack again'))
        .finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
  }
}

function raise(batch: Map<string, number>, userId: string, seq: number): void {
  const highest = batch.get(userId);
  if (highest === undefined || seq > highest) batch.set(userId, seq);
}
