import { newTimeOrderedId } from '@app/core';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { createRedisClient, defineLuaCommand } from './redis-connection';

/** Against the real Redis the split uses (scripts are cached server-wide, so each test's script is its own). */
describe('defineLuaCommand', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'define-lua-command-spec');
  });
  afterAll(() => redis.quit());

  /** A script Redis has never seen: the comment makes its SHA unique. */
  const freshScript = (body: string) => `-- ${newTimeOrderedId()}\n${body}`;
  const cached = async (lua: string) => {
    const sha = createHash('sha1').update(lua).digest('hex');
    const [exists] = (await redis.script('EXISTS', sha)) as number[];
    return exists === 1;
  };

  it('runs a script Redis does not hold yet, and leaves it cached for the next call', async () => {
    const lua = freshScript('return {KEYS[1], ARGV[1], #KEYS, #ARGV}');
    const run = defineLuaCommand(redis, lua);
    expect(await cached(lua)).toBe(false);
    expect(await run(['k1', 'k2'], ['a', 7, 'c'])).toEqual(['k1', 'a', 2, 3]);
    expect(await cached(lua)).toBe(true);
    expect(await run(['k3'], [1])).toEqual(['k3', '1', 1, 1]);
  });

  it('runs it again after Redis forgot every script (a restart, SCRIPT FLUSH)', async () => {
    const lua = freshScript('return ARGV[1] + ARGV[2]');
    const run = defineLuaCommand(redis, lua);
    expect(await run([], [2, 3])).toBe(5);
    await redis.script('FLUSH');
    expect(await cached(lua)).toBe(false);
    expect(await run([], [4, 5])).toBe(9);
  });

  it('passes thousands of keys and args as arrays', async () => {
    const run = defineLuaCommand(redis, freshScript('return {#KEYS, KEYS[#KEYS], #ARGV, ARGV[#ARGV]}'));
    const keys = Array.from({ length: 20_000 }, (_, i) => `key:${i}`);
    const args = Array.from({ length: 30_000 }, (_, i) => i);
    expect(await run(keys, args)).toEqual([20_000, 'key:19999', 30_000, '29999']);
  });

  it("rejects with the script's own error, without running it twice", async () => {
    const counter = `define-lua-command-spec:${newTimeOrderedId()}`;
    const run = defineLuaCommand(redis, freshScript("redis.call('INCR', KEYS[1]); return redis.call('HGET', KEYS[1], 'x')"));
    await expect(run([counter], [])).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.get(counter)).toBe('1');
    await redis.del(counter);
  });
});
