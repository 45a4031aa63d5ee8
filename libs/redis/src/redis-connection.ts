import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';

const logger = new Logger('Redis');
/** At most one log line per client per this many ms while Redis is away (ioredis reports every reconnect attempt). */
const ERROR_LOG_EVERY_MS = 10_000;

/** The injection token of the client RedisAdaptersModule connects; the providers libs/redis exports use it. */
export const REDIS_CLIENT = Symbol('RedisClient');

/**
 * One ioredis client. Few retries per request so that a dead Redis fails calls fast instead of hanging them; the
 * offline queue stays on so calls made while (re)connecting are sent once the link is up. Auto-pipelining sends the
 * commands issued in one event-loop turn (rate limits, token checks, inbox scripts of concurrent requests) in one write:
 * one syscall instead of one per command, which is where a busy gateway spent its time.
 */
export function createRedisClient(url: string, name: string): Redis {
  return logErrors(
    new Redis(url, {
      connectionName: name,
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      enableAutoPipelining: true,
    }),
  );
}

/**
 * A client with no 'error' listener prints each failed reconnect to stderr; this logs them, at most once per
 * ERROR_LOG_EVERY_MS. For every client, `duplicate()`s included (they do not inherit listeners).
 */
export function logErrors(redis: Redis): Redis {
  let loggedAt = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - loggedAt < ERROR_LOG_EVERY_MS) return;
    loggedAt = Date.now();
    logger.warn({ err: error, client: redis.options.connectionName }, 'Redis connection error; reconnecting');
  });
  return redis;
}

/** The commands @socket.io/redis-adapter and @socket.io/redis-emitter send without keeping the promise. */
const DROPPED_BY_SOCKET_IO = ['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const;

/**
 * @socket.io/redis-adapter and @socket.io/redis-emitter drop the promise of the PUBLISH and (UN)SUBSCRIBE commands they
 * send (a known issue of both). With ioredis such a command fails while Redis is away, when the client recovers or
 * when it is closed at shutdown, and the unhandled rejection ends the process: a push node died that way when Redis
 * restarted. This client's commands of that kind handle their own failure (logged; a socket.io broadcast is best
 * effort), while a caller that awaits one still sees it fail.
 */
export function handleDroppedCommands(redis: Redis): Redis {
  let loggedAt = 0;
  const onFailure = (error: Error) => {
    if (Date.now() - loggedAt < ERROR_LOG_EVERY_MS) return;
    loggedAt = Date.now();
    logger.warn({ err: error, client: redis.options.connectionName }, 'socket.io Redis command failed');
  };
  const commands = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of DROPPED_BY_SOCKET_IO) {
    const command = commands[name].bind(redis);
    commands[name] = (...args: unknown[]) => {
      const sent = command(...args);
      sent.catch(onFailure);
      return sent;
    };
  }
  return redis;
}

export type LuaArg = string | number;
export type LuaCommand = (keys: string[], args: LuaArg[]) => Promise<unknown>;

/** What `call` needs here: ioredis flattens array arguments, its types do not say so. */
type CallWithArrays = (command: string, ...args: (string | number | LuaArg[])[]) => Promise<unknown>;

/**
 * A typed caller of a Lua script: EVALSHA, and EVAL (which caches it again) when Redis answers NOSCRIPT, after a
 * restart or a SCRIPT FLUSH. Keys and args travel as arrays (ioredis flattens them), so thousands of them are no problem
 * for the JS stack.
 * Not ioredis' `defineCommand`: every script defined that way is copied onto each Pipeline the client builds, and with
 * auto-pipelining the client builds one per event-loop turn that sends anything (17 scripts: ~13 µs per Pipeline
 * instead of ~4).
 */
export function defineLuaCommand(redis: Redis, lua: string): LuaCommand {
  const sha = createHash('sha1').update(lua).digest('hex');
  const call = redis.call.bind(redis) as CallWithArrays;
  return (keys, args) =>
    call('evalsha', sha, keys.length, keys, args).catch((error: Error) => {
      if (!error.message?.startsWith('NOSCRIPT')) throw error;
      return call('eval', lua, keys.length, keys, args);
    });
}
