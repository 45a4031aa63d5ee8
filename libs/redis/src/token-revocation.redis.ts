import { Clock, ExpiringSet, systemClock, TokenRevocationStore, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';
import { SyncedSubscriber } from './synced-subscriber.redis';

export interface RedisTokenRevocationOptions {
  /**
   * Answer `isRevoked` from memory while in sync (default true). Off: every check is an EXISTS, which a process that
   * checks tokens rarely may prefer to holding a subscriber connection.
   */
  mirror?: boolean;
}

/**
 * Revoked JWT ids (see docs/architecture.md, 'Tokens and sessions'): each key expires when its token would have, so the
 * set never outgrows live tokens.
 *
 * Every request checks its token, so each process mirrors the set in memory. Revocations are only ever added (and
 * expire), so the mirror can miss one but never hold a wrong one; it is trusted only while it is complete: after its
 * subscriber has subscribed to the revocation channel and then read every live revocation from the index. A dropped
 * subscriber (Redis restarted, its output buffer overflowed, the network) loses messages, so from its 'close' until the
 * next resync has finished, checks go to Redis (EXISTS), as they did before the mirror existed.
 * A revocation reaches other processes' mirrors within Redis' pub/sub delivery (well under a millisecond on one host);
 * a request another process already started may still pass, as with any stateless token.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisTokenRevocationStore implements TokenRevocationStore {
  private readonly revoked: ExpiringSet;
  /** Present when mirroring: in sync once subscribed to the notices and the index has been read. */
  private readonly subscriber?: SyncedSubscriber;
  private readonly channel: string;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock = systemClock,
    options: RedisTokenRevocationOptions = {},
  ) {
    this.revoked = new ExpiringSet(clock);
    this.channel = redisKeys.revokedTokensChannel(redis.options.db ?? 0);
    if (options.mirror ?? true) {
      this.subscriber = new SyncedSubscriber(
        redis,
        'revocations',
        {
          channels: () => [this.channel],
          onMessage: (_channel, text) => this.onNotice(text),
          catchUp: () => this.readIndex(),
        },
        false,
      );
    }
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const at = Math.ceil(expiresAt);
    const now = this.clock.now();
    // an expired token is already refused; PXAT also rejects non-positive times
    if (at <= now) return;
    const index = redisKeys.revokedTokens();
    // one write: the key (checked by EXISTS), the index a resync reads, then the notice to every mirror
    await Promise.all([
      this.redis.set(redisKeys.revokedToken(tokenId), '1', 'PXAT', at),
      this.redis.zadd(index, at, tokenId),
      this.redis.zremrangebyscore(index, '-inf', now),
      this.redis.publish(this.channel, `${at}|${tokenId}`),
    ]);
    this.revoked.add(tokenId, at);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    if (this.subscriber) {
      this.subscriber.open();
      if (this.subscriber.inSync) return this.revoked.has(tokenId);
    }
    return (await this.redis.exists(redisKeys.revokedToken(tokenId))) === 1;
  }

  /** Whether checks are answered from memory (for tests and health: false while a resync is due). */
  get mirrorInSync(): boolean {
    return this.subscriber?.inSync ?? false;
  }

  async close(): Promise<void> {
    await this.subscriber?.close();
  }

  /** Every live revocation, read after subscribing: one made in between is in both, none is in neither. */
  private async readIndex(): Promise<void> {
    const live = await this.redis.zrangebyscore(
      redisKeys.revokedTokens(),
      `(${this.clock.now()}`,
      '+inf',
      'WITHSCORES',
    );
    // adding a true revocation is safe even if this resync turns out stale
    for (let i = 0; i < live.length; i += 2) this.revoked.add(live[i], Number(live[i + 1]));
  }

  private onNotice(text: string): void {
    const bar = text.indexOf('|');
    const at = Number(text.slice(0, bar));
    if (bar > 0 && Number.isFinite(at)) this.revoked.add(text.slice(bar + 1), at);
  }
}
