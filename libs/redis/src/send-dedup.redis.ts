import { DedupClaim, SendDedupStore } from '@app/core';
import type Redis from 'ioredis';
import { defineLuaCommand, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';

/** Value markers: the first character tells a claim from a stored answer. */
const IN_PROGRESS = 'p';
const DONE = 'd';

/** KEYS: dedup key. ARGV: in-progress marker. Drops the claim, never a stored answer. */
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Send deduplication (DESIGN §3): one key per (sender, clientMsgId), claimed with SET NX. */
export class RedisSendDedupStore implements SendDedupStore {
  private readonly releaseLua: LuaCommand;

  constructor(private readonly redis: Redis) {
    this.releaseLua = defineLuaCommand(redis, 'sbDedupRelease', RELEASE_LUA);
  }

  async claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim> {
    // SET NX GET (Redis ≥ 7.0): claims and reads the current holder in one atomic command
    const previous = (await this.redis.call(
      'SET',
      redisKeys.sendDedup(senderId, clientMsgId),
      IN_PROGRESS,
      'PX',
      ttlArg(inProgressTtlMs),
      'NX',
      'GET',
    )) as string | null;
    if (previous === null) return { status: 'claimed' };
    if (previous.startsWith(DONE)) return { status: 'done', result: previous.slice(DONE.length) };
    return { status: 'in-progress' };
  }

  async complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void> {
    await this.redis.set(redisKeys.sendDedup(senderId, clientMsgId), DONE + result, 'PX', ttlArg(ttlMs));
  }

  async release(senderId: string, clientMsgId: string): Promise<void> {
    await this.releaseLua([redisKeys.sendDedup(senderId, clientMsgId)], [IN_PROGRESS]);
  }
}

function ttlArg(ttlMs: number): number {
  const ttl = Math.ceil(ttlMs);
  if (!(ttl > 0)) throw new RangeError(`ttl must be positive, got ${ttlMs}`);
  return ttl;
}
