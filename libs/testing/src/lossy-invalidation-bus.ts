import type { InvalidationBus } from '@app/core';

/**
 * An in-process InvalidationBus whose test decides when it loses its connection (`lose`) and gets it back
 * (`resume`), and when publishing fails (`refusePublishes`), for unit tests of what a cache does then. What the Redis bus does on a real dropped connection is its
 * own spec's (libs/redis).
 */
export class LossyInvalidationBus implements InvalidationBus {
  private readonly listeners: { topic: string; onKey(key: string): void; onSync?(inSync: boolean): void }[] = [];
  private connected = true;
  private refusals = 0;
  /** Every publish tried, refused ones included. */
  tries = 0;

  async publish(topic: string, key: string): Promise<void> {
    this.tries++;
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('publish refused (test)');
    }
    if (!this.connected) return; // lost, as pub/sub loses what a dropped subscriber misses
    for (const l of this.listeners) if (l.topic === topic) l.onKey(key);
  }

  async subscribe(
    topic: string,
    onKey: (key: string) => void,
    onSync?: (inSync: boolean) => void,
  ): Promise<() => Promise<void>> {
    const listener = { topic, onKey, onSync };
    this.listeners.push(listener);
    return async () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** The next `count` publishes reject, as with Redis unreachable from the publishing process only. */
  refusePublishes(count: number): void {
    this.refusals = count;
  }

  lose(): void {
    this.connected = false;
    for (const l of this.listeners) l.onSync?.(false);
  }

  resume(): void {
    this.connected = true;
    for (const l of this.listeners) l.onSync?.(true);
  }
}
