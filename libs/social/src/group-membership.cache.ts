import { CLOCK, Clock, INVALIDATION_BUS, InvalidationBus } from '@app/core';
import { GroupsRepository } from '@app/persistence';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InvalidatedCache } from './invalidated-cache';

export const GROUP_MEMBERSHIP_CACHE_OPTIONS = Symbol('GroupMembershipCacheOptions');
const INVALIDATION_TOPIC = 'group-members';

export interface GroupMembershipCacheOptions {
  /**
   * How long a loaded member list is served without asking the database again. It only bounds a notice whose publish
   * kept failing (a failed one is tried again meanwhile): a notice the bus lost is made up for by dropping everything.
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
 * Member ids per group for the send path, in an InvalidatedCache with its TTL on the injected clock: a cold cache
 * under a burst of sends to one group costs one database query (single flight), and every membership change made in
 * any process drops the group here.
 */
@Injectable()
export class GroupMembershipCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: InvalidatedCache<Entry>;

  constructor(
    private readonly groups: GroupsRepository,
    @Inject(CLOCK) clock: Clock,
    @Optional() @Inject(GROUP_MEMBERSHIP_CACHE_OPTIONS) options?: Partial<GroupMembershipCacheOptions>,
    @Optional() @Inject(INVALIDATION_BUS) bus?: InvalidationBus,
  ) {
    const { ttlMs, maxGroups } = { ttlMs: 60_000, maxGroups: 10_000, ...options };
    this.cache = new InvalidatedCache<Entry>({
      topic: INVALIDATION_TOPIC,
      load: async (groupId) => {
        const ids = await this.groups.memberIds(groupId);
        return { ids, members: new Set(ids) };
      },
      ttlMs,
      max: maxGroups,
      bus,
      clock,
    });
  }

  onModuleInit(): Promise<void> {
    return this.cache.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.cache.stop();
  }

  /** The group's member ids (empty for a group that does not exist or was dissolved). */
  async memberIds(groupId: string): Promise<readonly string[]> {
    return (await this.cache.get(groupId)).ids;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await this.cache.get(groupId)).members.has(userId);
  }

  /** After a membership change: drop the entry here and in every other process (resolves once published; never rejects). */
  invalidate(groupId: string): Promise<void> {
    return this.cache.invalidate(groupId);
  }
}
