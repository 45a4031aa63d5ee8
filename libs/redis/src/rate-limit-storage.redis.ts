import { TranslateUnavailable } from '@app/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { isRedisUnavailable } from './redis-unavailable';
import { defineLuaCommand, LuaCommand } from './redis-connection';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The rate-limit counters on Redis (a @nestjs/throttler ThrottlerStorage), with Redis's outages translated like every
 * other adapter of this lib: the rate-limit guard runs on every request, so while Redis is down a request answers 503
 * rather than 500.
 *
 * The library's script and keys, run by EVALSHA: the library sends the script's text (~700 bytes) with every call,
 * which the gateway writes and Redis parses and hashes twice per send (two buckets).
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisRateLimitStorage extends ThrottlerStorageRedisService {
  private readonly count: LuaCommand;

  constructor(redis: Redis) {
    super(redis);
    this.count = defineLuaCommand(redis, this.scriptSrc);
  }

  override async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const slot = `{${key}:${throttlerName}}`;
    const answer = await this.count([`${slot}:hits`, `${slot}:blocked`], [throttlerName, ttl, limit, blockDuration]);
    const [totalHits, timeToExpire, isBlocked, timeToBlockExpire] = answer as [number, number, number, number];
    return {
      totalHits,
      timeToExpire: Math.ceil(timeToExpire / 1000),
      isBlocked: isBlocked === 1,
      timeToBlockExpire: Math.ceil(timeToBlockExpire / 1000),
    };
  }
}
