import Redis from 'ioredis';

/** The injection token of the client RedisAdaptersModule connects; the providers libs/redis exports use it. */
export const REDIS_CLIENT = Symbol('RedisClient');

/**
 * One ioredis client. Few retries per request so that a dead Redis fails calls fast instead of hanging them; the
 * offline queue stays on so calls made while (re)connecting are sent once the link is up. Auto-pipelining sends the
 * commands issued in one event-loop turn (rate limits, token checks, inbox scripts of concurrent requests) in one write:
 * one syscall instead of one per command, which is where a busy gateway spent its time.
 */
export function createRedisClient(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    enableAutoPipelining: true,
  });
}

export type LuaArg = string | number;
export type LuaCommand = (keys: string[], args: LuaArg[]) => Promise<unknown>;

/**
 * Registers a Lua script on the client (EVALSHA, with ioredis' EVAL fallback on NOSCRIPT) and returns a typed caller.
 * Keys and args travel as arrays (ioredis flattens them), so thousands of them are no problem for the JS stack.
 */
export function defineLuaCommand(redis: Redis, name: string, lua: string): LuaCommand {
  redis.defineCommand(name, { lua });
  const commands = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return (keys, args) => commands[name].call(redis, keys.length, keys, args);
}
