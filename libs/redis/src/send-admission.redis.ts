import {
  Admission,
  Clock,
  SendAdmission,
  SendAnswer,
  SendToAdmit,
  SeqAllocation,
  systemClock,
  TranslateUnavailable,
} from '@app/core';
import type Redis from 'ioredis';
import { ALLOCATE_FN, CONFIRM_FN } from './inbox.lua';
import { allocateArgs, allocationsOf, confirmArgs, seqRequest } from './inbox.redis';
import { defineLuaCommand, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';
import { CLAIM_FN, claimOf, ttlArg } from './send-dedup.redis';

/**
 * KEYS: the dedup key. ARGV: now, claimTtlMs, noteTtlMs, message JSON, then allocate's ARGV (see ALLOCATE_FN).
 * A fresh claim allocates and notes `{"message":…,"allocations":[…]}` (core's attemptNote), grouped by user; anything
 * else is answered as a claim would be, touching no seq.
 */
const ADMIT_LUA = `${CLAIM_FN}${ALLOCATE_FN}
local now, claim_ttl = ARGV[1], ARGV[2]
local claimed = claim(KEYS[1], now, claim_ttl, true)
if claimed[1] ~= 'claimed' then return claimed end
local lasts = allocate(ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], 9)
local parts, j = {}, 1
for i = 9, #ARGV, 2 do
  local user, n, last = cjson.encode(ARGV[i]), tonumber(ARGV[i + 1]), lasts[j]
  for s = last - n + 1, last do parts[#parts + 1] = '{"userId":' .. user .. ',"seq":' .. s .. '}' end
  j = j + 1
end
local note = '{"message":' .. ARGV[4] .. ',"allocations":[' .. table.concat(parts, ',') .. ']}'
-- the claim starts now, so it holds until now + claim_ttl (what recordAttempt would compute from a fresh claim's PTTL)
redis.call('SET', KEYS[1], noted(tonumber(now) + tonumber(claim_ttl), note), 'PX', ARGV[3])
return {'claimed', lasts}
`;

/** KEYS: the dedup key. ARGV: the answer, its TTL (ms), then confirm's ARGV (see CONFIRM_FN). Returns 1, or 0 (void). */
const CONCLUDE_LUA = `${CONFIRM_FN}
if not confirm(ARGV[3], ARGV[4], ARGV[5], 6) then return 0 end
redis.call('SET', KEYS[1], 'd' .. ARGV[1], 'PX', ARGV[2])
return 1
`;

/**
 * Send admission on Redis (see SendAdmission): the dedup claim, the seq allocation and the attempt's note of a send in
 * one script, one round trip, where the separate stores take three; the confirm and the answer in another. Same keys
 * and encodings as RedisSendDedupStore and RedisInboxStore, which take it from there.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisSendAdmission implements SendAdmission {
  private readonly clock: Clock;
  private readonly admitLua: LuaCommand;
  private readonly concludeLua: LuaCommand;

  constructor(
    redis: Redis,
    private readonly options: { retentionMs: number; clock?: Clock },
  ) {
    this.clock = options.clock ?? systemClock;
    this.admitLua = defineLuaCommand(redis, ADMIT_LUA);
    this.concludeLua = defineLuaCommand(redis, CONCLUDE_LUA);
  }

  async admit(send: SendToAdmit): Promise<Admission> {
    const now = this.clock.now();
    const request = seqRequest(send.recipientIds);
    const [status, payload] = (await this.admitLua(
      [redisKeys.sendDedup(send.senderId, send.clientMsgId)],
      [
        now,
        ttlArg(send.claimTtlMs),
        ttlArg(send.noteTtlMs),
        send.messageJson,
        ...allocateArgs(request, send.inflightDeadline, now, this.options.retentionMs),
      ],
    )) as [string, (string | number[])?];
    if (status === 'claimed') return { status, allocations: allocationsOf(request, payload as number[]) };
    return claimOf(status, payload as string | undefined) as Admission;
  }

  async conclude(allocations: SeqAllocation[], answer: SendAnswer): Promise<'confirmed' | 'void'> {
    const kept = await this.concludeLua(
      [redisKeys.sendDedup(answer.senderId, answer.clientMsgId)],
      [answer.result, ttlArg(answer.ttlMs), ...confirmArgs(allocations, this.clock.now())],
    );
    return kept === 1 ? 'confirmed' : 'void';
  }
}
