import { Clock, PresenceStore, Route, systemClock, TranslateUnavailable } from '@app/core';
import type Redis from 'ioredis';
import { defineLuaCommand, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

/*
 * Redis 7.0 has no per-field expiry (HEXPIRE is 7.4), so each field value is `nodeId|expiresAtMs`: readers drop
 * stale fields and the key's PEXPIRE is kept at the longest field TTL. Times come from the caller's clock.
 */
const EXTEND = `
local function extend(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
`;

/** KEYS: user routes, node users. ARGV: connectionId, value, member, ttlMs, now. */
const CONNECT_LUA = `${EXTEND}
local ttl, now = tonumber(ARGV[4]), tonumber(ARGV[5])
-- routes a crashed node never removed would otherwise linger while the user keeps reconnecting
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local v = fields[i + 1]
  if tonumber(string.match(v, '|(%d+)$')) <= now then redis.call('HDEL', KEYS[1], fields[i]) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
extend(KEYS[1], ttl)
extend(KEYS[2], ttl)
return 0
`;

/** KEYS: user routes, node users. ARGV: connectionId, nodeId, member. */
const DISCONNECT_LUA = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
-- the connection id may have been taken over by another node: only drop our own route
if v and string.sub(v, 1, #ARGV[2] + 1) == ARGV[2] .. '|' then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('SREM', KEYS[2], ARGV[3])
return 0
`;

/** KEYS: node users, then user routes per route. ARGV: value, ttlMs, then (connectionId, member) per route. */
const REFRESH_LUA = `${EXTEND}
local value, ttl = ARGV[1], tonumber(ARGV[2])
for i = 2, #KEYS do
  local j = 2 * i - 1
  redis.call('HSET', KEYS[i], ARGV[j], value)
  redis.call('SADD', KEYS[1], ARGV[j + 1])
  extend(KEYS[i], ttl)
end
extend(KEYS[1], ttl)
return 0
`;

/**
 * KEYS: node users. ARGV: nodeId, now, user routes key prefix. Returns users that lost a live route.
 * The user keys are derived in the script (one per member): fine on a single Redis, not on a cluster.
 */
const REMOVE_NODE_LUA = `
local prefix, now = ARGV[3], tonumber(ARGV[2])
local owned = ARGV[1] .. '|'
local affected, seen = {}, {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local ok, pair = pcall(cjson.decode, m)
  if ok and type(pair) == 'table' and type(pair[1]) == 'string' and type(pair[2]) == 'string' then
    local key = prefix .. pair[1]
    local v = redis.call('HGET', key, pair[2])
    if v and string.sub(v, 1, #owned) == owned then
      redis.call('HDEL', key, pair[2])
      if tonumber(string.match(v, '|(%d+)$')) > now and not seen[pair[1]] then
        seen[pair[1]] = true
        affected[#affected + 1] = pair[1]
      end
    end
  end
end
redis.call('DEL', KEYS[1])
return affected
`;

/**
 * ARGV: user routes key prefix, then user ids. Returns, for each user with any field, its index among the user ids
 * and its fields and values. One call for a whole group: a pipeline of one HGETALL per member cost dispatch a command,
 * a promise and a reply each, for members who are mostly offline (empty hashes). The keys are built here, so a group
 * costs one id per member on the wire, not a key; as REMOVE_NODE_LUA, fine on a single Redis, not on a cluster.
 */
const ROUTES_LUA = `
local prefix, out = ARGV[1], {}
for i = 2, #ARGV do
  local fields = redis.call('HGETALL', prefix .. ARGV[i])
  if #fields > 0 then
    out[#out + 1] = i - 1
    out[#out + 1] = fields
  end
end
return out
`;

/** What the scripts append a user id to for that user's routes key. */
const USER_ROUTES_PREFIX = redisKeys.userRoutes('');

export interface RedisPresenceOptions {
  clock?: Clock;
}

/**
 * Routes on Redis (see docs/architecture.md, 'The cluster'): `online:users:{uid}` and the node's members set change
 * together, in Lua.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisPresenceStore implements PresenceStore {
  private readonly clock: Clock;
  private readonly connectLua: LuaCommand;
  private readonly disconnectLua: LuaCommand;
  private readonly refreshLua: LuaCommand;
  private readonly removeNodeLua: LuaCommand;
  private readonly routesLua: LuaCommand;

  constructor(
    private readonly redis: Redis,
    options: RedisPresenceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.connectLua = defineLuaCommand(redis, CONNECT_LUA);
    this.disconnectLua = defineLuaCommand(redis, DISCONNECT_LUA);
    this.refreshLua = defineLuaCommand(redis, REFRESH_LUA);
    this.removeNodeLua = defineLuaCommand(redis, REMOVE_NODE_LUA);
    this.routesLua = defineLuaCommand(redis, ROUTES_LUA);
  }

  async connect(route: Route, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    const ttl = ttlArg(ttlMs);
    await this.connectLua(
      [redisKeys.userRoutes(route.userId), redisKeys.nodeUsers(route.nodeId)],
      [route.connectionId, encodeRoute(route.nodeId, now + ttl), nodeMember(route), ttl, now],
    );
  }

  async disconnect(route: Route): Promise<void> {
    await this.disconnectLua(
      [redisKeys.userRoutes(route.userId), redisKeys.nodeUsers(route.nodeId)],
      [route.connectionId, route.nodeId, nodeMember(route)],
    );
  }

  /** Upserts: a heartbeat also restores routes that expired or were removed while the node was thought dead. */
  async refresh(nodeId: string, routes: Route[], ttlMs: number): Promise<void> {
    if (routes.length === 0) return;
    const ttl = ttlArg(ttlMs);
    await this.refreshLua(
      [redisKeys.nodeUsers(nodeId), ...routes.map((r) => redisKeys.userRoutes(r.userId))],
      [
        encodeRoute(nodeId, this.clock.now() + ttl),
        ttl,
        ...routes.flatMap((r) => [r.connectionId, nodeMember({ ...r, nodeId })]),
      ],
    );
  }

  async routesOf(userIds: string[]): Promise<Map<string, Route[]>> {
    const users = [...new Set(userIds)];
    const result = new Map<string, Route[]>();
    if (users.length === 0) return result;
    const reply = (await this.routesLua([], [USER_ROUTES_PREFIX, ...users])) as (number | string[])[];
    const now = this.clock.now();
    for (let i = 0; i < reply.length; i += 2) {
      const userId = users[(reply[i] as number) - 1];
      const fields = reply[i + 1] as string[];
      const routes: Route[] = [];
      for (let f = 0; f < fields.length; f += 2) {
        const value = fields[f + 1];
        const cut = value.lastIndexOf('|');
        if (Number(value.slice(cut + 1)) > now)
          routes.push({ userId, connectionId: fields[f], nodeId: value.slice(0, cut) });
      }
      if (routes.length > 0) result.set(userId, routes);
    }
    return result;
  }

  async removeNode(nodeId: string): Promise<string[]> {
    return (await this.removeNodeLua(
      [redisKeys.nodeUsers(nodeId)],
      [nodeId, this.clock.now(), USER_ROUTES_PREFIX],
    )) as string[];
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

function encodeRoute(nodeId: string, expiresAt: number): string {
  return `${nodeId}|${expiresAt}`;
}

/** JSON so that any character in user or connection ids stays unambiguous. */
function nodeMember(route: Route): string {
  return JSON.stringify([route.userId, route.connectionId]);
}

function ttlArg(ttlMs: number): number {
  const ttl = Math.ceil(ttlMs);
  if (!(ttl > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
  return ttl;
}
