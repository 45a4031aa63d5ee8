import { InboxService } from '@app/inbox';
import { Injectable, Logger } from '@nestjs/common';

/**
 * Acks arriving together become one inbox watermark update per user: the highest seq of everything acked in this
 * event-loop turn is written once, after the turn (issue 11 item 6). Acks are cumulative, so only the highest matters;
 * a failed write is logged and the client's next ack carries it.
 */
@Injectable()
export class AckCoalescer {
  private readonly logger = new Logger(AckCoalescer.name);
  private pending = new Map<string, number>();
  private scheduled = false;

  constructor(private readonly inbox: InboxService) {}

  ack(userId: string, seq: number): void {
    const highest = this.pending.get(userId);
    if (highest === undefined || seq > highest) this.pending.set(userId, seq);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [userId, seq] of batch) {
      this.inbox
        .ack(userId, seq)
        .catch((error) => this.logger.warn({ err: error, userId }, 'ack not stored; the client will ack again'));
    }
  }
}
