import { InvalidationBus, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { isRedisUnavailable } from './redis-unavailable';
import { SyncedSubscriber } from './synced-subscriber.redis';

const CHANNEL_PREFIX = 'im:invalidate:';

interface Listener {
  onKey(key: string): void;
  onSync?(inSync: boolean): void;
}

/**
 * Invalidations over Redis pub/sub; the subscriber connection is opened on the first subscribe only.
 *
 * Pub/sub does not keep what a dropped subscriber missed, so the listeners are told when the subscriber may be missing
 * notices and when it is subscribed again (SyncedSubscriber): a notice published in between reached either nobody,
 * covered by the first call, or them. Nothing needs catching up: the listeners drop what they derived instead.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisInvalidationBus implements InvalidationBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  // in sync before the first connect: each subscribe below awaits its SUBSCRIBE's answer
  private readonly subscriber: SyncedSubscriber;

  constructor(private readonly redis: Redis) {
    this.subscriber = new SyncedSubscriber(
      redis,
      'invalidations',
      {
        channels: () => [...this.listeners.keys()].map((topic) => CHANNEL_PREFIX + topic),
        onMessage: (channel, key) => {
          for (const listener of this.listeners.get(channel.slice(CHANNEL_PREFIX.length)) ?? []) listener.onKey(key);
        },
        onSync: (inSync) => {
          for (const listeners of this.listeners.values()) for (const listener of listeners) listener.onSync?.(inSync);
        },
      },
      true,
    );
  }

  async publish(topic: string, key: string): Promise<void> {
    await this.redis.publish(CHANNEL_PREFIX + topic, key);
  }

  async subscribe(
    topic: string,
    onKey: (key: string) => void,
    onSync?: (inSync: boolean) => void,
  ): Promise<() => Promise<void>> {
    const connection = this.subscriber.open();
    let listeners = this.listeners.get(topic);
    if (!listeners) {
      this.listeners.set(topic, (listeners = new Set()));
      await connection.subscribe(CHANNEL_PREFIX + topic);
    }
    const listener: Listener = { onKey, onSync };
    listeners.add(listener);
    // subscribed while the connection is away: the data it reads now may miss a notice until the resubscribe
    if (!this.subscriber.inSync) onSync?.(false);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(topic) === listeners) {
        this.listeners.delete(topic);
        await connection.unsubscribe(CHANNEL_PREFIX + topic).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await this.subscriber.close();
  }
}
