import { DependencyUnavailableError } from '@app/core';
import { freePort } from '@app/testing';
import Redis, { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { RedisRateLimitStorage } from './rate-limit-storage.redis';
import { isRedisUnavailable } from './redis-unavailable';
import { RedisSendDedupStore } from './send-dedup.redis';
import { RedisSendAdmission } from './send-admission.redis';
import { RedisTokenRevocationStore } from './token-revocation.redis';

/** A client of a port nobody listens on: each command fails the way it does while Redis is down. */
async function deadRedis(): Promise<Redis> {
  const redis = new Redis(await freePort(), '127.0.0.1', {
    maxRetriesPerRequest: 0,
    retryStrategy: () => 20,
    lazyConnect: true,
    disconnectTimeout: 10,
  });
  redis.on('error', () => undefined);
  return redis;
}

describe('isRedisUnavailable', () => {
  const clients: Redis[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it('recognises what ioredis rejects a command with while Redis is down: out of retries, or a closed client', async () => {
    const redis = await deadRedis();
    clients.push(redis);
    const outOfRetries = await redis.get('k').catch((e: unknown) => e);
    expect(outOfRetries).toBeInstanceOf(MaxRetriesPerRequestError);
    expect(isRedisUnavailable(outOfRetries)).toBe(true);

    const ended = await deadRedis();
    ended.disconnect();
    const closed = await ended.get('k').catch((e: unknown) => e);
    expect((closed as Error).message).toBe('Connection is closed.');
    expect(isRedisUnavailable(closed)).toBe(true);
  });

  it('recognises a command aborted when its connection closed, and a socket error', () => {
    const AbortError = Object.getPrototypeOf(MaxRetriesPerRequestError) as new (message: string) => Error;
    expect(isRedisUnavailable(new AbortError('Command aborted due to connection close'))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(isRedisUnavailable(refused)).toBe(true);
  });

  it('recognises the "not now" replies: loading, busy with a script, master down, failover', () => {
    for (const reply of [
      'LOADING Redis is loading the dataset in memory',
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no.',
      "READONLY You can't write against a read only replica.",
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
    ])
      expect(isRedisUnavailable(new ReplyError(reply))).toBe(true);
  });

  it('does not take a refused command, a script error or a bug for an outage', () => {
    for (const reply of [
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      'BUSYGROUP Consumer Group name already exists',
      'NOGROUP No such key or consumer group',
      'ERR Error running script: user_script:1: attempt to compare nil with number',
    ])
      expect(isRedisUnavailable(new ReplyError(reply))).toBe(false);
    expect(isRedisUnavailable(new RangeError('ttl must be positive'))).toBe(false);
    expect(isRedisUnavailable(new Error('Redis transaction aborted'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
    expect(isRedisUnavailable(undefined)).toBe(false);
  });
});

describe('the Redis adapters while Redis is down', () => {
  let redis: Redis;
  beforeAll(async () => (redis = await deadRedis()));
  afterAll(() => redis.disconnect());

  it('throw DependencyUnavailableError naming redis, with the client error as its cause', async () => {
    const error = await new RedisTokenRevocationStore(redis).isRevoked('token').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', message: 'redis is unavailable, try again' });
    expect((error as Error).cause).toBeInstanceOf(MaxRetriesPerRequestError);
    // a Lua script goes the same way
    await expect(new RedisSendDedupStore(redis).claim('u', 'c', 1000)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    // and the send path's first step
    const send = {
      senderId: 'u',
      clientMsgId: 'c',
      claimTtlMs: 1000,
      recipientIds: ['v'],
      inflightDeadline: Date.now() + 1000,
      messageJson: '{}',
      noteTtlMs: 1000,
    };
    await expect(new RedisSendAdmission(redis, { retentionMs: 1000 }).admit(send)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    // the rate-limit counters too (the guard runs on every request)
    await expect(new RedisRateLimitStorage(redis).increment('ip:1', 60_000, 10, 0, 'default')).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('let every other failure through unchanged', async () => {
    await expect(new RedisSendDedupStore(redis).claim('u', 'c', 0)).rejects.toBeInstanceOf(RangeError);
  });
});
