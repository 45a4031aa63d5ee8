import { INVALIDATION_BUS, InvalidationBus } from '@app/core';
import { SocialGraphRepository } from '@app/persistence';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

export const SOCIAL_GRAPH_CACHE_OPTIONS = Symbol('SocialGraphCacheOptions');
const INVALIDATION_TOPIC = 'social-graph';

export interface SocialGraphCacheOptions {
  /**
   * How long a user's relations are served without asking the database again. It only bounds a notice whose publish
   * failed: a notice the bus lost is made up for by dropping everything (`onSync`).
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
 * Friendships and blocks per user for the hot path (send, typing, receipts, presence), in a bounded LRU (lru-cache).
 *
 * Single flight: concurrent reads of a cold user share one load. `invalidate(userId)` (called by every change made in
 * this process: friend, unfriend, block, unblock) drops the entry, makes a load in flight unable to store its possibly
 * stale answer, and is published on the invalidation bus so every other gateway drops it at once; the TTL only bounds
 * a notice whose publish failed. While the bus says it may be losing notices (its connection dropped), nothing is
served from memory or kept, and everything is dropped again once it is back in sync. (lru-cache's own fetch aborts
the callers of a load that a delete interrupts; here they keep it.)
 */
@Injectable()
export class SocialGraphCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SocialGraphCache.name);
  private readonly entries: LRUCache<string, Relations>;
  private readonly inFlight = new Map<string, Promise<Relations>>();
  private unsubscribe?: () => Promise<void>;
  /** False while the bus may be losing notices: loads are answered but not kept. */
  private inSync = true;

  constructor(
    private readonly graph: SocialGraphRepository,
    @Optional() @Inject(SOCIAL_GRAPH_CACHE_OPTIONS) options?: Partial<SocialGraphCacheOptions>,
    @Optional() @Inject(INVALIDATION_BUS) private readonly bus?: InvalidationBus,
  ) {
    const { ttlMs, maxUsers } = { ttlMs: 5 * 60_000, maxUsers: 50_000, ...options };
    this.entries = new LRUCache<string, Relations>({ max: maxUsers, ttl: ttlMs, ttlAutopurge: false });
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus?.subscribe(
      INVALIDATION_TOPIC,
      (userId) => this.drop(userId),
      (inSync) => this.onSync(inSync),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  relations(userId: string): Promise<Relations> {
    const cached = this.entries.get(userId);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(userId);
    if (pending) return pending;
    const flight = this.load(userId);
    this.inFlight.set(userId, flight);
    return flight;
  }

  /**
   * After a change between users: drop their entries here and in every other process. Resolves once the bus has the
   * notice (so a caller that awaits it answers only after every gateway can know); never rejects.
   */
  async invalidate(...userIds: string[]): Promise<void> {
    for (const userId of userIds) this.drop(userId);
    if (!this.bus) return;
    await Promise.all(
      userIds.map((userId) =>
        this.bus!.publish(INVALIDATION_TOPIC, userId).catch((error) =>
          this.logger.warn(
            { err: error, userId },
            'invalidation not published; other gateways catch up within the TTL',
          ),
        ),
      ),
    );
  }

  private onSync(inSync: boolean): void {
    this.inSync = inSync;
    this.entries.clear();
    this.inFlight.clear();
  }

  private drop(userId: string): void {
    this.entries.delete(userId);
    this.inFlight.delete(userId);
  }

  private async load(userId: string): Promise<Relations> {
    const self = this.inFlight;
    // let `relations` register the flight before the queries start
    await Promise.resolve();
    const flight = self.get(userId);
    try {
      const [friends, blocks, blockedBy] = await Promise.all([
        this.graph.friendIds(userId),
        this.graph.blockedBy(userId),
        this.graph.blockersOf(userId),
      ]);
      const relations: Relations = {
        friends: new Set(friends),
        blocks: new Set(blocks),
        blockedBy: new Set(blockedBy),
      };
      // an invalidation during the load replaced or removed the flight: its answer may be stale, do not keep it
      if (flight !== undefined && self.get(userId) === flight && this.inSync) this.entries.set(userId, relations);
      return relations;
    } finally {
      if (flight !== undefined && self.get(userId) === flight) self.delete(userId);
    }
  }
}
