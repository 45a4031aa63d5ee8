import { INVALIDATION_BUS, InvalidationBus } from '@app/core';
import { SocialGraphRepository } from '@app/persistence';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InvalidatedCache } from './invalidated-cache';

export const SOCIAL_GRAPH_CACHE_OPTIONS = Symbol('SocialGraphCacheOptions');
const INVALIDATION_TOPIC = 'social-graph';

export interface SocialGraphCacheOptions {
  /**
   * How long a user's relations are served without asking the database again. It only bounds a notice whose publish
   * kept failing (a failed one is tried again meanwhile): a notice the bus lost is made up for by dropping everything.
   */
  ttlMs: number;
  /** Most users kept; the least recently used go first. */
  maxUsers: number;
}

/** One user's side of the social graph, as the authorization policy reads it. */
export interface Relations {
  friends: ReadonlySet<string>;
  /** Users this user blocks. */
  blocks: ReadonlySet<string>;
  /** Users who block this user. */
  blockedBy: ReadonlySet<string>;
}

/**
 * Friendships and blocks per user for the hot path (send, typing, receipts, presence), in an InvalidatedCache:
 * single-flight loads, dropped here and in every other gateway on each change (friend, unfriend, block, unblock).
 */
@Injectable()
export class SocialGraphCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: InvalidatedCache<Relations>;

  constructor(
    private readonly graph: SocialGraphRepository,
    @Optional() @Inject(SOCIAL_GRAPH_CACHE_OPTIONS) options?: Partial<SocialGraphCacheOptions>,
    @Optional() @Inject(INVALIDATION_BUS) bus?: InvalidationBus,
  ) {
    const { ttlMs, maxUsers } = { ttlMs: 5 * 60_000, maxUsers: 50_000, ...options };
    this.cache = new InvalidatedCache({
      topic: INVALIDATION_TOPIC,
      load: (userId) => this.load(userId),
      ttlMs,
      max: maxUsers,
      bus,
    });
  }

  onModuleInit(): Promise<void> {
    return this.cache.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.cache.stop();
  }

  relations(userId: string): Promise<Relations> {
    return this.cache.get(userId);
  }

  /**
   * After a change between users: drop their entries here and in every other process. Resolves once the bus has the
   * notice (so a caller that awaits it answers only after every gateway can know); never rejects.
   */
  invalidate(...userIds: string[]): Promise<void> {
    return this.cache.invalidate(...userIds);
  }

  private async load(userId: string): Promise<Relations> {
    const [friends, blocks, blockedBy] = await Promise.all([
      this.graph.friendIds(userId),
      this.graph.blockedBy(userId),
      this.graph.blockersOf(userId),
    ]);
    return { friends: new Set(friends), blocks: new Set(blocks), blockedBy: new Set(blockedBy) };
  }
}
