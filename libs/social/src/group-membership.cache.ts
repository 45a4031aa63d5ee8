import { CLOCK, Clock, INVALIDATION_BUS, InvalidationBus } from '@app/core';
import { GroupsRepository } from '@app/persistence';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

export const GROUP_MEMBERSHIP_CACHE_OPTIONS = Symbol('GroupMembershipCacheOptions');
const INVALIDATION_TOPIC = 'group-members';

export interface GroupMembershipCacheOptions {
  /**
   * How long a loaded member list is served without asking the database again. It only bounds a notice whose publish
   * failed: a notice the bus lost is made up for by dropping everything (`onSync`).
   */
  ttlMs: number;
  /** Most groups kept; the least recently used go first. */
  maxGroups: number;
}

interface Entry {
  members: ReadonlySet<string>;
  ids: readonly string[];
}

/**
 * Member ids per group for the send path, in a bounded LRU (lru-cache) with a TTL on the injected clock.
 *
 * Single flight: while a group's members are being loaded, every other caller waits for that same load, so a cold
 * cache under a burst of sends to one group costs one database query, not one per send (no stampede).
 * `invalidate` (called on every membership change made in this process) drops the entry and makes a load already in
 * flight unable to store its possibly stale answer (callers that joined that load still get it). It is also
 * published on the invalidation bus, so other gateways drop their entry at once; the TTL only bounds a notice whose
 * publish failed. While the bus says it may be losing notices (its connection dropped), nothing is served from memory
 * or kept, and everything is dropped again once it is back in sync.
 */
@Injectable()
export class GroupMembershipCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GroupMembershipCache.name);
  private unsubscribe?: () => Promise<void>;
  /** False while the bus may be losing notices: loads are answered but not kept. */
  private inSync = true;
  private readonly entries: LRUCache<string, Entry>;
  /** The one load under way per group; `invalidate` forgets it, so it cannot store its possibly stale answer. */
  private readonly inFlight = new Map<string, { promise: Promise<Entry> }>();

  constructor(
    private readonly groups: GroupsRepository,
    @Inject(CLOCK) clock: Clock,
    @Optional() @Inject(GROUP_MEMBERSHIP_CACHE_OPTIONS) options?: Partial<GroupMembershipCacheOptions>,
    @Optional() @Inject(INVALIDATION_BUS) private readonly bus?: InvalidationBus,
  ) {
    const { ttlMs, maxGroups } = { ttlMs: 60_000, maxGroups: 10_000, ...options };
    this.entries = new LRUCache<string, Entry>({
      max: maxGroups,
      ttl: ttlMs,
      ttlAutopurge: false,
      ttlResolution: 0,
      perf: clock,
    });
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus?.subscribe(
      INVALIDATION_TOPIC,
      (groupId) => this.drop(groupId),
      (inSync) => this.onSync(inSync),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** The group's member ids (empty for a group that does not exist or was dissolved). */
  async memberIds(groupId: string): Promise<readonly string[]> {
    return (await this.entry(groupId)).ids;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await this.entry(groupId)).members.has(userId);
  }

  /** After a membership change: drop the entry here and in every other process (resolves once published; never rejects). */
  invalidate(groupId: string): Promise<void> {
    this.drop(groupId);
    return (this.bus?.publish(INVALIDATION_TOPIC, groupId) ?? Promise.resolve()).catch((error) =>
      this.logger.warn({ err: error, groupId }, 'invalidation not published; other gateways catch up within the TTL'),
    );
  }

  private onSync(inSync: boolean): void {
    this.inSync = inSync;
    this.entries.clear();
    this.inFlight.clear();
  }

  private drop(groupId: string): void {
    this.entries.delete(groupId);
    this.inFlight.delete(groupId);
  }

  private entry(groupId: string): Promise<Entry> {
    const cached = this.entries.get(groupId);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(groupId);
    if (pending) return pending.promise;
    const flight = {} as { promise: Promise<Entry> };
    flight.promise = this.load(groupId, flight);
    this.inFlight.set(groupId, flight);
    return flight.promise;
  }

  private async load(groupId: string, flight: { promise: Promise<Entry> }): Promise<Entry> {
    // let `entry` register the flight before the query starts, whatever the repository does synchronously
    await Promise.resolve();
    try {
      const ids = await this.groups.memberIds(groupId);
      const entry: Entry = { ids, members: new Set(ids) };
      if (this.inFlight.get(groupId) === flight && this.inSync) this.entries.set(groupId, entry);
      return entry;
    } finally {
      if (this.inFlight.get(groupId) === flight) this.inFlight.delete(groupId);
    }
  }
}
