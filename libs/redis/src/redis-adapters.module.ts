import {
  INBOX_STORE,
  INVALIDATION_BUS,
  LAST_SEEN_STORE,
  NODE_REGISTRY,
  PRESENCE_EVENTS,
  PRESENCE_STORE,
  SEND_ADMISSION,
  SEND_DEDUP_STORE,
  SESSION_REGISTRY,
  TOKEN_REVOCATION_STORE,
} from '@app/core';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import type Redis from 'ioredis';
import { RedisInboxStore } from './inbox.redis';
import { RedisInvalidationBus } from './invalidation-bus.redis';
import { RedisPresenceStore } from './presence.redis';
import { createRedisClient, REDIS_CLIENT } from './redis-connection';
import { RedisSendDedupStore } from './send-dedup.redis';
import { RedisSendAdmission } from './send-admission.redis';
import { RedisTokenRevocationStore } from './token-revocation.redis';
import { RedisSessionRegistry } from './session-registry.redis';
import { RedisPresenceEvents } from './presence-events.redis';
import { RedisLastSeenStore } from './last-seen.redis';
import { RedisNodeRegistry } from './node-registry.redis';
import { RedisRateLimitStorage } from './rate-limit-storage.redis';

/** The boot's wait for Redis's first answer; unref'd, so that a failing boot is not held open by it. */
const BOOT_TIMEOUT = timeout(5000, TimeoutStrategy.Aggressive).dangerouslyUnref();

/**
 * Rate-limit counters in Redis (a @nestjs/throttler ThrottlerStorage), so that every gateway counts against the same
 * limits: `RateLimitModule.forRoot({ storageToken: RATE_LIMIT_STORAGE })`.
 */
export const RATE_LIMIT_STORAGE = Symbol('RateLimitStorage');

/** Fails the boot with a message that names Redis and its address when it does not answer. */
async function connectOrFail(url: string, name: string): Promise<Redis> {
  const redis = createRedisClient(url, name);
  const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
  try {
    await BOOT_TIMEOUT.execute(() => redis.ping());
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof TaskCancelledError ? 'no answer within 5 s' : (error as Error).message;
    throw new Error(`Redis at ${safeUrl} is unreachable (REDIS_URL): ${reason}`);
  }
  return redis;
}

/**
 * Binds presence, inbox + sequences, send dedup, token revocations, sessions, cache invalidations, the push-node
 * registry and rate-limit counters to Redis.
 */
@Module({})
export class RedisAdaptersModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(INVALIDATION_BUS) private readonly invalidations: RedisInvalidationBus,
    @Inject(PRESENCE_EVENTS) private readonly presenceEvents: RedisPresenceEvents,
    @Inject(TOKEN_REVOCATION_STORE) private readonly revocations: RedisTokenRevocationStore,
  ) {}

  static forRoot(options: { url: string; clientName: string; retentionMs: number }): DynamicModule {
    const providers = [
      { provide: REDIS_CLIENT, useFactory: () => connectOrFail(options.url, options.clientName) },
      { provide: PRESENCE_STORE, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisPresenceStore(r) },
      {
        provide: INBOX_STORE,
        inject: [REDIS_CLIENT],
        useFactory: (r: Redis) => new RedisInboxStore(r, { retentionMs: options.retentionMs }),
      },
      { provide: SEND_DEDUP_STORE, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisSendDedupStore(r) },
      {
        provide: SEND_ADMISSION,
        inject: [REDIS_CLIENT],
        useFactory: (r: Redis) => new RedisSendAdmission(r, { retentionMs: options.retentionMs }),
      },
      {
        provide: TOKEN_REVOCATION_STORE,
        inject: [REDIS_CLIENT],
        useFactory: (r: Redis) => new RedisTokenRevocationStore(r),
      },
      { provide: SESSION_REGISTRY, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisSessionRegistry(r) },
      { provide: PRESENCE_EVENTS, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisPresenceEvents(r) },
      { provide: LAST_SEEN_STORE, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisLastSeenStore(r) },
      { provide: INVALIDATION_BUS, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisInvalidationBus(r) },
      { provide: NODE_REGISTRY, inject: [REDIS_CLIENT], useFactory: (r: Redis) => new RedisNodeRegistry(r) },
      {
        provide: RATE_LIMIT_STORAGE,
        inject: [REDIS_CLIENT],
        useFactory: (r: Redis) => new RedisRateLimitStorage(r),
      },
    ];
    return { module: RedisAdaptersModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.invalidations.close();
    await this.presenceEvents.close();
    await this.revocations.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
