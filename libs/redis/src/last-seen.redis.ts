import { LastSeenStore, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

/** Last-seen times in one Redis hash (userId → epoch ms); a script keeps the newest. */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisLastSeenStore implements LastSeenStore {
  constructor(private readonly redis: Redis) {}

  async record(userId: string, at: number): Promise<void> {
    await this.redis.eval(
      `local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
       if tonumber(ARGV[2]) > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
       return 0`,
      1,
      redisKeys.lastSeen(),
      userId,
      String(Math.floor(at)),
    );
  }

  async lastSeenOf(userIds: string[]): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    if (!userIds.length) return seen;
    const values = await this.redis.hmget(redisKeys.lastSeen(), ...userIds);
    values.forEach((value, i) => value !== null && seen.set(userIds[i], Number(value)));
    return seen;
  }
}
