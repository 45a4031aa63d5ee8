import {
  Clock,
  InboxRead,
  InboxStore,
  InboxWrite,
  SeqAllocation,
  StoredInboxEntry,
  systemClock,
  TranslateUnavailable,
} from '@app/core';
import type Redis from 'ioredis';
import { ACK_LUA, ALLOCATE_LUA, APPEND_LUA, BURN_LUA, CONFIRM_LUA, READ_LUA, SETTLE_LUA } from './inbox.lua';
import { defineLuaCommand, LuaArg, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

export interface RedisInboxOptions {
  retentionMs: number;
  clock?: Clock;
}

type ReadReply = [number, number, string[], number[]];

/** One distinct (payload, createdAt) of an append, and how many of its entries use it. */
interface Body {
  createdAt: number;
  payload: string;
  index: number;
  uses: number;
}

/**
 * From this many entries of one append on, a payload is stored once and each entry points at it (a group message):
 * a 1:1 message (two entries) keeps its payload inline, one read with no indirection. As the one-process inbox does.
 */
const SHARED_PAYLOAD_FROM = 3;

/**
 * Offline inbox on Redis (see docs/architecture.md, 'The delivery contract'): every operation is one script call,
 * whatever the number of users, so a 5,000-member group costs one round trip per step. See inbox.lua.ts for the
 * encoding.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisInboxStore implements InboxStore {
  private readonly clock: Clock;
  private readonly allocateLua: LuaCommand;
  private readonly confirmLua: LuaCommand;
  private readonly burnLua: LuaCommand;
  private readonly settleLua: LuaCommand;
  private readonly appendLua: LuaCommand;
  private readonly readLua: LuaCommand;
  private readonly ackLua: LuaCommand;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisInboxOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.allocateLua = defineLuaCommand(redis, ALLOCATE_LUA);
    this.confirmLua = defineLuaCommand(redis, CONFIRM_LUA);
    this.burnLua = defineLuaCommand(redis, BURN_LUA);
    this.settleLua = defineLuaCommand(redis, SETTLE_LUA);
    this.appendLua = defineLuaCommand(redis, APPEND_LUA);
    this.readLua = defineLuaCommand(redis, READ_LUA);
    this.ackLua = defineLuaCommand(redis, ACK_LUA);
  }

  async allocate(userIds: string[], inflightDeadline: number): Promise<SeqAllocation[]> {
    if (userIds.length === 0) return [];
    const request = seqRequest(userIds);
    const lasts = (await this.allocateLua(
      [],
      allocateArgs(request, inflightDeadline, this.clock.now(), this.options.retentionMs),
    )) as number[];
    return allocationsOf(request, lasts);
  }

  async confirm(allocations: SeqAllocation[]): Promise<'confirmed' | 'void'> {
    if (allocations.length === 0) return 'confirmed';
    const kept = await this.confirmLua([], confirmArgs(allocations, this.clock.now()));
    return kept === 1 ? 'confirmed' : 'void';
  }

  async burn(allocations: SeqAllocation[]): Promise<void> {
    if (allocations.length === 0) return;
    const { users, indexOf } = distinct(allocations.map((a) => a.userId));
    await this.burnLua(users.flatMap(entryKeys), [
      this.clock.now(),
      this.options.retentionMs,
      ...allocations.flatMap((a) => [indexOf.get(a.userId)!, seqArg(a.seq)]),
    ]);
  }

  async settle(allocations: SeqAllocation[]): Promise<'published' | 'void'> {
    if (allocations.length === 0) return 'void';
    const { users, indexOf } = distinct(allocations.map((a) => a.userId));
    const published = await this.settleLua(users.flatMap(entryKeys), [
      this.clock.now(),
      this.options.retentionMs,
      ...allocations.flatMap((a) => [indexOf.get(a.userId)!, seqArg(a.seq)]),
    ]);
    return published === 1 ? 'published' : 'void';
  }

  async append(writes: InboxWrite[]): Promise<number> {
    if (writes.length === 0) return 0;
    // payload → createdAt → body (keyed by the payload itself: its hash is computed once per string)
    const bodyIndex = new Map<string, Map<number, Body>>();
    const bodies: Body[] = [];
    const refs: LuaArg[] = [];
    for (const w of writes) {
      const createdAt = Math.trunc(w.createdAt);
      let byTime = bodyIndex.get(w.payload);
      if (!byTime) bodyIndex.set(w.payload, (byTime = new Map()));
      let body = byTime.get(createdAt);
      if (!body) {
        body = { createdAt, payload: w.payload, index: bodies.length + 1, uses: 0 };
        byTime.set(createdAt, body);
        bodies.push(body);
      }
      body.uses++;
      refs.push(userArg(w.userId), seqArg(w.seq), body.index);
    }
    // no burnt key: an append never burns
    const args: LuaArg[] = [
      this.clock.now(),
      this.options.retentionMs,
      bodies.length,
      PREFIX.inbox,
      PREFIX.ack,
      PREFIX.pending,
    ];
    for (const body of bodies) {
      const shared = body.uses >= SHARED_PAYLOAD_FROM ? redisKeys.payload(body.payload) : '';
      args.push(body.createdAt, body.payload, shared);
    }
    for (const ref of refs) args.push(ref);
    return (await this.appendLua([], args)) as number;
  }

  async read(userId: string, afterSeq: number, limit: number): Promise<InboxRead> {
    const after = Math.max(0, Math.floor(afterSeq));
    const max = Math.max(0, Math.floor(limit));
    if (!Number.isFinite(after) || !Number.isFinite(max)) throw new RangeError('afterSeq and limit must be finite');
    const [headSeq, watermark, members, pending] = (await this.readLua(
      [
        redisKeys.seq(userId),
        redisKeys.ack(userId),
        redisKeys.inbox(userId),
        redisKeys.pending(userId),
        redisKeys.burnt(userId),
      ],
      [after, max, this.clock.now(), this.options.retentionMs],
    )) as ReadReply;
    return {
      entries: members.slice(0, max).map(decodeEntry),
      pending,
      headSeq,
      watermark,
      hasMore: members.length > max,
    };
  }

  async ack(userId: string, seq: number): Promise<{ watermark: number }> {
    const watermark = (await this.ackLua(
      [redisKeys.seq(userId), redisKeys.ack(userId), redisKeys.inbox(userId), redisKeys.pending(userId)],
      [seqArg(Math.floor(seq))],
    )) as number;
    return { watermark };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

/** Key prefixes the send-path scripts build each user's keys from (see inbox.lua.ts). */
const PREFIX = {
  seq: redisKeys.seq(''),
  pending: redisKeys.pending(''),
  burnt: redisKeys.burnt(''),
  inbox: redisKeys.inbox(''),
  ack: redisKeys.ack(''),
} as const;

/** An allocation's users: distinct, in first-seen order, and how many seqs each takes. */
export interface SeqRequest {
  userIds: string[];
  users: string[];
  counts: number[];
  indexOf: Map<string, number>;
}

export function seqRequest(userIds: string[]): SeqRequest {
  const { users, indexOf } = distinct(userIds);
  const counts = new Array<number>(users.length).fill(0);
  for (const u of userIds) counts[indexOf.get(u)! - 1]++;
  return { userIds, users, counts, indexOf };
}

/** The ARGV of ALLOCATE_FN's `allocate`, in order: deadline, pending TTL, the two key prefixes, (userId, count)s. */
export function allocateArgs(
  request: SeqRequest,
  inflightDeadline: number,
  now: number,
  retentionMs: number,
): LuaArg[] {
  const deadline = Math.ceil(inflightDeadline);
  // the pending set must outlive the deadline, and a confirmed seq may wait up to the retention for its write
  const pendingTtl = Math.max(0, deadline - now) + retentionMs;
  const args: LuaArg[] = [deadline, pendingTtl, PREFIX.seq, PREFIX.pending];
  for (let i = 0; i < request.users.length; i++) args.push(userArg(request.users[i]), request.counts[i]);
  return args;
}

/** The ARGV of CONFIRM_FN's `confirm`, in order: the confirmed score, the two key prefixes, (userId, seq)s. */
export function confirmArgs(allocations: readonly SeqAllocation[], now: number): LuaArg[] {
  const args: LuaArg[] = [-now, PREFIX.pending, PREFIX.burnt];
  for (const a of allocations) args.push(userArg(a.userId), seqArg(a.seq));
  return args;
}

/** One allocation per occurrence, in order, from each distinct user's last seq. */
export function allocationsOf({ userIds, users, counts, indexOf }: SeqRequest, lasts: number[]): SeqAllocation[] {
  const next = users.map((_, i) => lasts[i] - counts[i] + 1);
  return userIds.map((userId) => ({ userId, seq: next[indexOf.get(userId)! - 1]++ }));
}

/** Distinct users in first-seen order, with their 1-based index (Lua's). */
function distinct(userIds: string[]): { users: string[]; indexOf: Map<string, number> } {
  const indexOf = new Map<string, number>();
  const users: string[] = [];
  for (const u of userIds) if (!indexOf.has(u)) indexOf.set(u, users.push(u));
  return { users, indexOf };
}

function entryKeys(userId: string): string[] {
  return [redisKeys.inbox(userId), redisKeys.ack(userId), redisKeys.pending(userId), redisKeys.burnt(userId)];
}

/** A user id the scripts append to a key prefix: it must not be empty (that key would be the prefix itself). */
function userArg(userId: string): string {
  if (userId.length === 0) throw new RangeError('userId must not be empty');
  return userId;
}

/** Seqs are pending-set members: they must be canonical integer strings on every path. */
function seqArg(seq: number): string {
  if (!Number.isSafeInteger(seq)) throw new RangeError(`seq must be an integer, got ${seq}`);
  return String(seq);
}

function decodeEntry(member: string): StoredInboxEntry {
  const a = member.indexOf('|');
  const b = member.indexOf('|', a + 1);
  return {
    seq: Number(member.slice(0, a)),
    createdAt: Number(member.slice(a + 1, b)),
    payload: member[b + 1] === '+' ? member.slice(b + 2) : null,
  };
}
