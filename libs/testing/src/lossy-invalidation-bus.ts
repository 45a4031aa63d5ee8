import type { InvalidationBus } from '@app/core';

/**
 * An in-process InvalidationBus whose test decides when it loses its connection (`lose`) and gets it back
 * (`resume`), for unit tests of what a cache does then. What the Redis bus does on a real dropped connection is its
 * own spec's (libs/redis).
 */
export class LossyInvalidationBus implements InvalidationBus {
  private readonly listeners: { topic: string; onKey(key: string): void; onSync?(inSync: boolean): void }[] = [];
  private connected = true;

  async publish(topic: string, key: string): Promise<void> {
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

  lose(): void {
    this.connected = false;
    for (const l of this.listeners) l.onSync?.(false);
  }

  resume(): void {
    this.connected = true;
    for (const l of this.listeners) l.onSync?.(true);
  }
}
