import { Logger } from '@nestjs/common';
import { PresenceChange, PresenceChangeHandler, PresenceEvents } from '@app/core';

const MAX_WAITING = 10_000;
const RETRY_MS = 1000;

/**
 * Presence changes inside one process: each change goes to one consumer (round robin); a handler that throws gets it
 * again after a second; changes published while nobody consumes wait (the oldest dropped beyond 10,000).
 */
export class InProcessPresenceEvents implements PresenceEvents {
  private readonly logger = new Logger(InProcessPresenceEvents.name);
  private handlers: PresenceChangeHandler[] = [];
  private next = 0;
  private waiting: PresenceChange[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  async publish(change: PresenceChange): Promise<void> {
    if (this.closed) return;
    if (!this.handlers.length) {
      this.waiting.push(change);
      if (this.waiting.length > MAX_WAITING) this.waiting.shift();
      return;
    }
    this.deliver(change);
  }

  async consume(handler: PresenceChangeHandler): Promise<void> {
    this.closed = false;
    this.handlers.push(handler);
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((change) => this.deliver(change));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers = [];
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private deliver(change: PresenceChange): void {
    const handler = this.handlers[this.next++ % this.handlers.length];
    const run = (async () => {
      await Promise.resolve();
      await handler(change);
    })()
      .catch((error) => {
        this.logger.warn({ err: error, userId: change.userId }, 'presence change not handled; retrying');
        if (this.closed) return;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.closed && this.handlers.length) this.deliver(change);
        }, RETRY_MS);
        timer.unref();
        this.timers.add(timer);
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}
