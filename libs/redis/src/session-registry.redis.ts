import { Clock, SessionEntry, SessionRegistry, systemClock, TranslateUnavailable } from '@app/core';
import type { DevicePlatform } from '@app/protocol';
import type Redis from 'ioredis';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

/**
 * Live sessions per user: a ZSET per user (member `tokenId|platform`, score = expiry in ms) plus, per token, the
 * key naming its user so that `remove(tokenId)` finds the ZSET. Both expire with the newest token they hold.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisSessionRegistry implements SessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock = systemClock,
  ) {}

  async register(userId: string, tokenId: string, platform: DevicePlatform, expiresAt: number): Promise<void> {
    const at = Math.ceil(expiresAt);
    const now = this.clock.now();
    if (at <= now) return;
    const key = redisKeys.userSessions(userId);
    await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', now)
      .zadd(key, at, `${tokenId}|${platform}`)
      // the set lives as long as its longest-lived token (GT: never shorten it)
      .pexpireat(key, at, 'GT')
      .pexpireat(key, at, 'NX')
      .set(redisKeys.session(tokenId), `${userId}|${platform}`, 'PXAT', at)
      .exec();
  }

  async sessionsOf(userId: string): Promise<SessionEntry[]> {
    const flat = await this.redis.zrangebyscore(
      redisKeys.userSessions(userId),
      `(${this.clock.now()}`,
      '+inf',
      'WITHSCORES',
    );
    const sessions: SessionEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [tokenId, platform] = flat[i].split('|');
      sessions.push({ tokenId, platform: platform as DevicePlatform, expiresAt: Number(flat[i + 1]) });
    }
    return sessions.sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : 0));
  }

  async remove(tokenId: string): Promise<void> {
    const owner = await this.redis.get(redisKeys.session(tokenId));
    if (!owner) return;
    const [userId, platform] = owner.split('|');
    await this.redis
      .multi()
      .zrem(redisKeys.userSessions(userId), `${tokenId}|${platform}`)
      .del(redisKeys.session(tokenId))
      .exec();
  }
}
