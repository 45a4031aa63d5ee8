import { InvalidationBus } from '@app/core';
import { EventEmitter } from 'node:events';

/** One process: invalidations only need to reach this process's own caches. */
export class InProcessInvalidationBus implements InvalidationBus {
  private readonly events = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, key: string): Promise<void> {
    this.events.emit(topic, key);
  }

  /** Delivery in one process cannot be lost: `onSync` is never called. */
  async subscribe(topic: string, onKey: (key: string) => void): Promise<() => Promise<void>> {
    this.events.on(topic, onKey);
    return async () => void this.events.off(topic, onKey);
  }
}
