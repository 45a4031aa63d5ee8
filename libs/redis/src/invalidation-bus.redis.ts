import { InvalidationBus, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { logErrors } from './redis-connection';
import { isRedisUnavailable } from './redis-unavailable';

const CHANNEL_PREFIX = 'im:invalidate:';

/** Invalidations over Redis pub/sub; the subscriber connection is opened on the first subscribe only. */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisInvalidationBus implements InvalidationBus {
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<(key: string) => void>>();

  constructor(private readonly redis: Redis) {}

  async publish(topic: string, key: string): Promise<void> {
    await this.redis.publish(CHANNEL_PREFIX + topic, key);
  }

  async subscribe(topic: string, onKey: (key: string) => void): Promise<() => Promise<void>> {
    const subscriber = this.connect();
    let handlers = this.handlers.get(topic);
    if (!handlers) {
      this.handlers.set(topic, (handlers = new Set()));
      await subscriber.subscribe(CHANNEL_PREFIX + topic);
    }
    handlers.add(onKey);
    return async () => {
      handlers.delete(onKey);
      if (handlers.size === 0) {
        this.handlers.delete(topic);
        await subscriber.unsubscribe(CHANNEL_PREFIX + topic).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = undefined;
  }

  private connect(): Redis {
    if (!this.subscriber) {
      this.subscriber = logErrors(this.redis.duplicate());
      this.subscriber.on('message', (channel: string, key: string) => {
        for (const handler of this.handlers.get(channel.slice(CHANNEL_PREFIX.length)) ?? []) handler(key);
      });
    }
    return this.subscriber;
  }
}
