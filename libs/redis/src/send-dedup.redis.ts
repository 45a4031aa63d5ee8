import { Clock, DedupClaim, SendDedupStore, systemClock, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { defineLuaCommand, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

/**
 * Values, told apart by their first character:
 *   `p`                      claimed, nothing recorded yet; the key expires with the claim
 *   `a{claimedUntil}|{note}` claimed, and the attempt being published noted; kept past the claim for a takeover
 *   `d{result}`              answered
 * Times come from the caller (ARGV), like every script here.
 */

/** The value of a claim whose attempt is noted. */
const NOTED_FN = `
local function noted(until_ms, note)
  return 'a' .. until_ms .. '|' .. note
end
`;

/**
 * claim(key, now, claimTtlMs, noting?) → {status, payload?}; a fresh claim is left as `p`, or, with `noting`, left for
 * the caller to write as its note in the same script (see send-admission.redis.ts).
 */
export const CLAIM_FN = `${NOTED_FN}
local function claim(key, now, ttl, noting)
  local v = redis.call('GET', key)
  if not v then
    -- a caller that notes its attempt in the same script writes the key once, with the note
    if not noting then redis.call('SET', key, 'p', 'PX', ttl) end
    return {'claimed'}
  end
  local kind = string.sub(v, 1, 1)
  if kind == 'd' then return {'done', string.sub(v, 2)} end
  if kind == 'a' then
    local bar = string.find(v, '|', 2, true)
    if tonumber(string.sub(v, 2, bar - 1)) > tonumber(now) then return {'in-progress'} end
    -- its holder died after noting the attempt: the caller holds the key now, the note stays for it to settle
    local note = string.sub(v, bar + 1)
    redis.call('SET', key, noted(tonumber(now) + tonumber(ttl), note), 'KEEPTTL')
    return {'taken-over', note}
  end
  return {'in-progress'}
end
`;

/** KEYS: key. ARGV: now, claimTtlMs. Returns {status, payload?}. */
const CLAIM_LUA = `${CLAIM_FN}
return claim(KEYS[1], ARGV[1], ARGV[2])
`;

/** KEYS: key. ARGV: now, note, ttlMs. Only over a live claim (never over an answer); the claim keeps its expiry. */
const RECORD_LUA = `${NOTED_FN}
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local kind, untilMs = string.sub(v, 1, 1), nil
if kind == 'p' then
  local pttl = redis.call('PTTL', KEYS[1])
  if pttl <= 0 then return 0 end
  untilMs = tonumber(ARGV[1]) + pttl
elseif kind == 'a' then
  untilMs = tonumber(string.sub(v, 2, string.find(v, '|', 2, true) - 1))
else
  return 0
end
redis.call('SET', KEYS[1], noted(untilMs, ARGV[2]), 'PX', ARGV[3])
return 1
`;

/** KEYS: key. Drops a claim and its note, never a stored answer. */
const RELEASE_LUA = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 1) ~= 'd' then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Send deduplication (see docs/architecture.md, 'The delivery contract'): one key per (sender, clientMsgId). */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisSendDedupStore implements SendDedupStore {
  private readonly claimLua: LuaCommand;
  private readonly recordLua: LuaCommand;
  private readonly releaseLua: LuaCommand;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock = systemClock,
  ) {
    this.claimLua = defineLuaCommand(redis, CLAIM_LUA);
    this.recordLua = defineLuaCommand(redis, RECORD_LUA);
    this.releaseLua = defineLuaCommand(redis, RELEASE_LUA);
  }

  async claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim> {
    const [status, payload] = (await this.claimLua(
      [redisKeys.sendDedup(senderId, clientMsgId)],
      [this.clock.now(), ttlArg(inProgressTtlMs)],
    )) as [string, string?];
    return claimOf(status, payload);
  }

  async recordAttempt(senderId: string, clientMsgId: string, attempt: string, ttlMs: number): Promise<void> {
    await this.recordLua([redisKeys.sendDedup(senderId, clientMsgId)], [this.clock.now(), attempt, ttlArg(ttlMs)]);
  }

  async complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void> {
    await this.redis.set(redisKeys.sendDedup(senderId, clientMsgId), 'd' + result, 'PX', ttlArg(ttlMs));
  }

  async release(senderId: string, clientMsgId: string): Promise<void> {
    await this.releaseLua([redisKeys.sendDedup(senderId, clientMsgId)], []);
  }
}

/** A claim from CLAIM_FN's reply (the payload is the answer or the note). */
export function claimOf(status: string, payload?: string): DedupClaim {
  switch (status) {
    case 'claimed':
      return { status };
    case 'done':
      return { status, result: payload! };
    case 'taken-over':
      return { status, attempt: payload! };
    default:
      return { status: 'in-progress' };
  }
}

export function ttlArg(ttlMs: number): number {
  const ttl = Math.ceil(ttlMs);
  if (!(ttl > 0)) throw new RangeError(`ttl must be positive, got ${ttlMs}`);
  return ttl;
}
