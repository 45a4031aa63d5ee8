import { Clock, systemClock, TokenRevocationStore, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

/**
 * Revoked JWT ids (see docs/architecture.md, 'Tokens and sessions'): each key expires when its token would have, so the
 * set never outgrows live tokens.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisTokenRevocationStore implements TokenRevocationStore {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock = systemClock,
  ) {}

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const at = Math.ceil(expiresAt);
    // an expired token is already refused; PXAT also rejects non-positive times
    if (at <= this.clock.now()) return;
    await this.redis.set(redisKeys.revokedToken(tokenId), '1', 'PXAT', at);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return (await this.redis.exists(redisKeys.revokedToken(tokenId))) === 1;
  }
}
