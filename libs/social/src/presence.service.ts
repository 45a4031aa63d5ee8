import {
  LAST_SEEN_STORE,
  LastSeenStore,
  PRESENCE_EVENTS,
  PRESENCE_STORE,
  PresenceChange,
  PresenceEvents,
  PresenceStore,
  PUSH_BROADCASTER,
  PushBroadcaster,
} from '@app/core';
import { FriendPresence, WireType } from '@app/protocol';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AccessPolicy } from './access-policy';

/**
 * Friends' presence. Consumes the push nodes' presence changes (one consumer of the group handles each), records
 * last-seen on offline and pushes 213 live to the user's friends; answers `GET /friends/presence`. A block, either
 * way, hides presence both ways (the friendship may remain).
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    private readonly policy: AccessPolicy,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(PRESENCE_EVENTS) private readonly events: PresenceEvents,
    @Inject(LAST_SEEN_STORE) private readonly lastSeen: LastSeenStore,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.events.consume((change) => this.handle(change));
  }

  /**
   * One change. The routes are read again first: a change that no longer holds (the user came back before an
   * offline was handled, or an online arrives after the offline) is dropped, so friends converge on the truth.
   */
  async handle(change: PresenceChange): Promise<void> {
    const online = ((await this.presence.routesOf([change.userId])).get(change.userId)?.length ?? 0) > 0;
    if (online !== change.online) return;
    if (!online) await this.lastSeen.record(change.userId, change.at);
    const friends = await this.policy.presenceAudience(change.userId);
    if (!friends.length) return;
    await this.broadcaster.presence(friends, {
      type: WireType.Presence,
      data: { userId: change.userId, online, ...(!online && { lastSeen: new Date(change.at).toISOString() }) },
    });
    this.logger.debug({ userId: change.userId, online, friends: friends.length }, 'presence pushed');
  }

  /** The caller's friends: online, or offline with last-seen (absent if never seen online). */
  async ofFriends(userId: string): Promise<FriendPresence[]> {
    const friends = await this.policy.presenceAudience(userId);
    if (!friends.length) return [];
    const routes = await this.presence.routesOf(friends);
    const offline = friends.filter((id) => !routes.has(id));
    const seen = offline.length ? await this.lastSeen.lastSeenOf(offline) : new Map<string, number>();
    return friends.map((id) => {
      if (routes.has(id)) return { userId: id, online: true };
      const at = seen.get(id);
      return { userId: id, online: false, ...(at !== undefined && { lastSeen: new Date(at).toISOString() }) };
    });
  }
}
