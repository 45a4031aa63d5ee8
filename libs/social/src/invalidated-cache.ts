import { Clock, InvalidationBus } from '@app/core';
import { Logger } from '@nestjs/common';
import { ExponentialBackoff, handleAll, retry, RetryPolicy, TaskCancelledError } from 'cockatiel';
import { LRUCache } from 'lru-cache';

export interface InvalidatedCacheOptions<V> {
  /** The invalidation bus topic on which every process announces a changed key. */
  topic: string;
  /** Reads a key's value from its source (the database). */
  load(key: string): Promise<V>;
  /** How long a value is served without loading it again; it only bounds a notice whose publish kept failing. */
  ttlMs: number;
  /** Most keys kept; the least recently used go first. */
  max: number;
  /** Absent: one process, nothing to hear from others. */
  bus?: InvalidationBus;
  /** The clock TTLs are read from (default: performance.now). */
  clock?: Clock;
  /** Backoff between tries of a notice whose publish failed (default 100 ms doubling to 5 s). */
  republish?: { initialDelayMs: number; maxDelayMs: number };
}

/**
 * A bounded LRU (lru-cache) of values loaded from the database and kept in step across processes by the invalidation
 * bus, for the hot path's reads of the social graph and group membership.
 *
 * Single flight: while a key is being loaded every other caller waits for that same load, so a cold key under a burst
 * costs one query, not one per caller. `invalidate` (called on every change made in this process) drops the entry and
 * makes a load already in flight unable to store its possibly stale answer (callers that joined it still get it), and
 * announces the key on the bus so every other process drops it at once. While the bus says it may be losing notices
 * (its connection dropped), nothing is kept, and everything is dropped again once it is back in sync. A notice whose
 * publish failed (Redis unreachable from this process only) is tried again in the background until it goes, or until
 * the TTL has expired every entry it was meant to drop. (lru-cache's own fetch aborts the callers of a load that a
 * delete interrupts; here they keep it.)
 */
export class InvalidatedCache<V extends object> {
  private readonly logger: Logger;
  private readonly entries: LRUCache<string, V>;
  /** The one load under way per key; dropping it keeps its answer from being stored. */
  private readonly inFlight = new Map<string, { promise: Promise<V> }>();
  /** False while the bus may be losing notices: loads are answered but not kept. */
  private inSync = true;
  private unsubscribe?: () => Promise<void>;
  /** Notices being published again, by key; aborting one stops its tries. */
  private readonly republishing = new Map<string, AbortController>();
  private readonly republishPolicy: RetryPolicy;
  private readonly firstRetryDelayMs: number;

  constructor(private readonly options: InvalidatedCacheOptions<V>) {
    this.logger = new Logger(`InvalidatedCache:${options.topic}`);
    const { initialDelayMs, maxDelayMs } = options.republish ?? { initialDelayMs: 100, maxDelayMs: 5000 };
    this.firstRetryDelayMs = initialDelayMs;
    this.republishPolicy = retry(handleAll, {
      maxAttempts: Infinity,
      backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
    }).dangerouslyUnref();
    this.entries = new LRUCache<string, V>({
      max: options.max,
      ttl: options.ttlMs,
      ttlAutopurge: false,
      ...(options.clock ? { ttlResolution: 0, perf: options.clock } : {}),
    });
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.options.bus?.subscribe(
      this.options.topic,
      (key) => this.drop(key),
      (inSync) => this.onSync(inSync),
    );
  }

  async stop(): Promise<void> {
    // deleting the entry being visited is safe in a Map's iteration
    for (const key of this.republishing.keys()) this.stopRepublishing(key, 'stopped');
    await this.unsubscribe?.();
  }

  /** How many notices are being published again (read by tests). */
  get pendingRepublishes(): number {
    return this.republishing.size;
  }

  get(key: string): Promise<V> {
    const cached = this.entries.get(key);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(key);
    if (pending) return pending.promise;
    const flight = {} as { promise: Promise<V> };
    flight.promise = this.load(key, flight);
    this.inFlight.set(key, flight);
    return flight.promise;
  }

  /**
   * After a change: drop the keys here and in every other process. Resolves once the bus has the notices (so a caller
   * that awaits it answers only after every process can know), or once a failed publish has been handed to the
   * background tries; never rejects.
   */
  async invalidate(...keys: string[]): Promise<void> {
    for (const key of keys) this.drop(key);
    const bus = this.options.bus;
    if (!bus) return;
    await Promise.all(
      keys.map((key) =>
        bus.publish(this.options.topic, key).then(
          // this notice says all a pending retry would have said
          () => this.stopRepublishing(key, 'published'),
          (error) => {
            this.logger.warn({ err: error, key }, 'invalidation not published; trying again in the background');
            this.republishLater(bus, key);
          },
        ),
      ),
    );
  }

  private republishLater(bus: InvalidationBus, key: string): void {
    if (this.republishing.has(key)) return;
    const abort = new AbortController();
    this.republishing.set(key, abort);
    // past the TTL every entry the notice was meant to drop has expired anyway
    const deadline = setTimeout(() => this.stopRepublishing(key, 'expired'), this.options.ttlMs).unref();
    this.republishPolicy
      .execute(async ({ signal, attempt }) => {
        // the first try waits too: the publish has just failed
        if (attempt === 0) await new Promise((resolve) => setTimeout(resolve, this.firstRetryDelayMs).unref());
        if (signal.aborted) throw new TaskCancelledError('republish stopped');
        return bus.publish(this.options.topic, key);
      }, abort.signal)
      .then(
        () => {
          // only its own tries: a newer failure's notice may be for a later change than this one covered
          if (this.republishing.get(key) === abort) this.stopRepublishing(key, 'published');
          this.logger.log({ key }, 'invalidation published after a retry');
        },
        (error) => {
          if (abort.signal.reason === 'expired')
            this.logger.warn({ err: error, key }, 'invalidation never published; other processes caught up by the TTL');
        },
      )
      .finally(() => clearTimeout(deadline));
  }

  /** Ends the background tries for a key at once (the policy's current pause may run on, then it stops). */
  private stopRepublishing(key: string, reason: 'published' | 'expired' | 'stopped'): void {
    const abort = this.republishing.get(key);
    if (!abort) return;
    this.republishing.delete(key);
    abort.abort(reason);
  }

  private onSync(inSync: boolean): void {
    this.inSync = inSync;
    this.entries.clear();
    this.inFlight.clear();
  }

  private drop(key: string): void {
    this.entries.delete(key);
    this.inFlight.delete(key);
  }

  private async load(key: string, flight: { promise: Promise<V> }): Promise<V> {
    // let `get` register the flight before the load starts, whatever the source does synchronously
    await Promise.resolve();
    try {
      const value = await this.options.load(key);
      if (this.inFlight.get(key) === flight && this.inSync) this.entries.set(key, value);
      return value;
    } finally {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    }
  }
}
