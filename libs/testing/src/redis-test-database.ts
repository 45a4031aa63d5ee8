import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

const LEASE_KEY = (db: number) => `switchboard:test:redis-db-lease:${db}`;
/** Longer than any suite; a crashed run's lease simply expires. */
const LEASE_MS = 15 * 60_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A Redis logical database (1–15) leased to this test run alone, flushed before use. Suites that run at the same time
 * (Jest workers, several split clusters) each get their own, so node registries, routes and inboxes never mix: two
 * clusters on one database would hand out each other's push nodes. The leases live in database 0.
 */
export async function claimRedisTestDatabase(
  baseUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<{ url: string; db: number; release(): Promise<void> }> {
  const url = new URL(baseUrl);
  url.pathname = '/0';
  const admin = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    for (let db = 1; db <= 15; db++) {
      if ((await admin.set(LEASE_KEY(db), owner, 'PX', LEASE_MS, 'NX')) !== 'OK') continue;
      await admin.select(db);
      await admin.flushdb();
      const leased = new URL(baseUrl);
      leased.pathname = `/${db}`;
      return {
        url: leased.toString(),
        db,
        async release(): Promise<void> {
          const client = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
          await client.connect();
          try {
            await client.eval(RELEASE, 1, LEASE_KEY(db), owner);
          } finally {
            client.disconnect();
          }
        },
      };
    }
  } finally {
    admin.disconnect();
  }
  throw new Error(`no free Redis test database at ${baseUrl}: all of 1–15 are leased (keys ${LEASE_KEY(0)}…)`);
}

/** Drops one connection by its client name, as Redis does to a subscriber whose output buffer overflowed. */
export async function killRedisConnection(admin: Redis, name: string): Promise<void> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no Redis connection named ${name}`);
  await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(line)![1]);
}
