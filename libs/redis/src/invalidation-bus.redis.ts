import { InvalidationBus, TranslateUnavailable } from '@app/core';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { logErrors } from './redis-connection';
import { isRedisUnavailable } from './redis-unavailable';

const CHANNEL_PREFIX = 'im:invalidate:';
/** The pause before a failed resubscribe is tried again (a reconnect of the subscriber also starts one). */
const RESUBSCRIBE_RETRY_MS = 1000;

interface Listener {
  onKey(key: string): void;
  onSync?(inSync: boolean): void;
}

/**
 * Invalidations over Redis pub/sub; the subscriber connection is opened on the first subscribe only.
 *
 * Pub/sub does not keep what a dropped subscriber missed (Redis restarted, the subscriber's output buffer overflowed,
 * the network). So from the subscriber's 'close' the listeners are told they are out of sync, and once it has
 * reconnected and subscribed again (our own SUBSCRIBE answered, after ioredis' automatic one) they are told they are
 * in sync: a notice published in between reached either nobody, covered by the first call, or them.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisInvalidationBus implements InvalidationBus {
  private readonly logger = new Logger(RedisInvalidationBus.name);
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private inSync = true;
  /** Bumped when the subscriber drops: a resubscribe begun before then does not bring the listeners back in sync. */
  private epoch = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly redis: Redis) {}

  async publish(topic: string, key: string): Promise<void> {
    await this.redis.publish(CHANNEL_PREFIX + topic, key);
  }

  async subscribe(
    topic: string,
    onKey: (key: string) => void,
    onSync?: (inSync: boolean) => void,
  ): Promise<() => Promise<void>> {
    const subscriber = this.connect();
    let listeners = this.listeners.get(topic);
    if (!listeners) {
      this.listeners.set(topic, (listeners = new Set()));
      await subscriber.subscribe(CHANNEL_PREFIX + topic);
    }
    const listener: Listener = { onKey, onSync };
    listeners.add(listener);
    // subscribed while the connection is away: the data it reads now may miss a notice until the resubscribe
    if (!this.inSync) onSync?.(false);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(topic) === listeners) {
        this.listeners.delete(topic);
        await subscriber.unsubscribe(CHANNEL_PREFIX + topic).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private connect(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = logErrors(
      this.redis.duplicate({ connectionName: `${this.redis.options.connectionName ?? 'switchboard'}-invalidations` }),
    );
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, key: string) => {
      for (const listener of this.listeners.get(channel.slice(CHANNEL_PREFIX.length)) ?? []) listener.onKey(key);
    });
    subscriber.on('close', () => {
      if (subscriber !== this.subscriber) return;
      this.epoch++;
      clearTimeout(this.retryTimer);
      if (this.inSync) this.setInSync(false);
    });
    subscriber.on('ready', () => void this.resubscribe(subscriber));
    return subscriber;
  }

  private async resubscribe(subscriber: Redis): Promise<void> {
    if (this.inSync) return;
    clearTimeout(this.retryTimer);
    const epoch = this.epoch;
    try {
      const channels = [...this.listeners.keys()].map((topic) => CHANNEL_PREFIX + topic);
      if (channels.length > 0) await subscriber.subscribe(...channels);
      if (epoch !== this.epoch || subscriber !== this.subscriber) return;
      this.setInSync(true);
    } catch (error) {
      if (epoch !== this.epoch || subscriber !== this.subscriber) return;
      this.logger.warn({ err: error }, `invalidations could not resubscribe, retrying in ${RESUBSCRIBE_RETRY_MS} ms`);
      this.retryTimer = setTimeout(() => void this.resubscribe(subscriber), RESUBSCRIBE_RETRY_MS).unref();
    }
  }

  private setInSync(inSync: boolean): void {
    this.inSync = inSync;
    for (const listeners of this.listeners.values()) for (const listener of listeners) listener.onSync?.(inSync);
  }
}
