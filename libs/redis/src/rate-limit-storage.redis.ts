import { TranslateUnavailable } from '@app/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { isRedisUnavailable } from './redis-unavailable';

/**
 * The rate-limit counters on Redis (a @nestjs/throttler ThrottlerStorage), with Redis's outages translated like every
 * other adapter of this lib: the rate-limit guard runs on every request, so while Redis is down a request answers 503
 * rather than 500.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisRateLimitStorage extends ThrottlerStorageRedisService {
  override increment(...args: Parameters<ThrottlerStorageRedisService['increment']>) {
    return super.increment(...args);
  }
}
