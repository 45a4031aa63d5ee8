import { Clock, systemClock } from '@app/core';
import { OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** One counter: hits in the current window, and until when it is refused (its block may outlive the window). */
interface Window {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often counters whose window and block have both run out are dropped. */
const SWEEP_MS = 60_000;

/**
 * The rate-limit counters of one process (the one-process server): fixed windows, as the Redis store of the split counts
 * them, so both deployments refuse the same requests. Each hit costs one map lookup; the library's own in-memory store
 * keeps a timestamp per hit and filters them all on every request, so its cost grows with the limit and the rate.
 * Memory is one small record per key seen in the last window, swept once a minute.
 */
export class MemoryRateLimitStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: Clock = systemClock) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** `ttl` and `blockDuration` in ms; the answer's times in whole seconds, rounded up (as the Retry-After header wants). */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now();
    const id = `${key}:${throttlerName}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 }));
    else if (window.endsAt <= now) {
      window.hits = 0;
      window.endsAt = now + ttl;
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockDuration;
    const isBlocked = window.blockedUntil > now || window.hits > limit;
    return {
      totalHits: window.hits,
      timeToExpire: Math.ceil((window.endsAt - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil(Math.max(0, window.blockedUntil - now) / 1000) : 0,
    };
  }

  /** How many counters are held (for tests of the sweep). */
  get size(): number {
    return this.windows.size;
  }

  /** Drops the counters whose window and block have both run out. */
  sweep(): void {
    const now = this.clock.now();
    for (const [id, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
