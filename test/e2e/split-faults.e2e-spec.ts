import { SwitchboardClient } from '@switchboard/client';
import { freePort, EVENTUALLY_MS, waitFor } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAppToExit, SplitCluster } from './split-cluster';

const secrets = { JWT_SECRET: 'j'.repeat(40), INTERNAL_SECRET: 'i'.repeat(40), LOG_LEVEL: 'warn', HOST: '127.0.0.1' };

describe('the split refuses to boot without its engines, naming what is missing', () => {
  it('gateway without DATABASE_URL', async () => {
    const { code, output } = await runAppToExit('gateway', {
      ...secrets,
      REDIS_URL: 'redis://127.0.0.1:6379',
      DISPATCH_URL: 'tcp://127.0.0.1:1',
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/gateway failed to start:.*DATABASE_URL is required/s);
  });

  it('message-dispatch with an unreachable broker', async () => {
    const port = await freePort();
    const { code, output } = await runAppToExit('message-dispatch', {
      ...secrets,
      PORT: String(port),
      REDIS_URL: 'redis://127.0.0.1:6379',
      ROCKETMQ_ENDPOINTS: '127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/message-dispatch failed to start:.*ROCKETMQ_ENDPOINTS/s);
  });

  it('storage-worker with an unreachable Redis', async () => {
    const { code, output } = await runAppToExit('storage-worker', {
      ...secrets,
      REDIS_URL: 'redis://127.0.0.1:1',
      ROCKETMQ_ENDPOINTS: '127.0.0.1:8081',
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/storage-worker failed to start:.*REDIS_URL/s);
  });
});

describe('the split when Redis goes away while running', () => {
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let redisDir: string;
  let cluster: SplitCluster;
  const clients: SwitchboardClient[] = [];

  async function startRedis(): Promise<void> {
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        redisDir,
        '--notify-keyspace-events',
        'Ex',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        try {
          const { createConnection } = await import('node:net');
          return await new Promise<boolean>((resolve) => {
            const s = createConnection(redisPort, '127.0.0.1', () => (s.end(), resolve(true)));
            s.on('error', () => resolve(false));
          });
        } catch {
          return false;
        }
      },
      EVENTUALLY_MS,
      'redis-server listening',
    );
  }

  beforeAll(async () => {
    redisPort = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
    await startRedis();
    cluster = await SplitCluster.start({ redisUrl: `redis://127.0.0.1:${redisPort}` });
  }, 180_000);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await cluster?.stop();
    redis?.kill('SIGKILL');
    rmSync(redisDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 — never 201 — on the send path while Redis is down, and recovers by itself', async () => {
    const [alice, bob] = [
      new SwitchboardClient({ baseUrl: cluster.gatewayUrl }),
      new SwitchboardClient({ baseUrl: cluster.gatewayUrl }),
    ];
    clients.push(alice, bob);
    for (const [c, name] of [
      [alice, `ra${Date.now() % 100000}`],
      [bob, `rb${Date.now() % 100000}`],
    ] as const) {
      await c.register(name, 'password-123');
      await c.login(name, 'password-123');
    }
    const { id } = await alice.requestFriend(bob.userId);
    await bob.acceptFriend(id);
    await alice.sendToUser(bob.userId, 'before');

    redis!.kill('SIGKILL');
    const during = await alice.sendToUser(bob.userId, 'while redis is down', 'during-1').catch((e: unknown) => e);
    expect(during).toMatchObject({ status: 503, body: { code: 'DEPENDENCY_UNAVAILABLE' } });

    await startRedis();
    // a fresh Redis lost the revocation list but also nothing else the token needs; the apps reconnect on their own
    await waitFor(
      async () => {
        try {
          await alice.sendToUser(bob.userId, 'after', 'after-1');
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      'sends succeed again',
    );
    // every app rode the outage out: none exited by itself
    expect(cluster.crashes).toEqual([]);
  }, 120_000);
});

describe('rate limits on the split', () => {
  let cluster: SplitCluster;

  beforeAll(async () => {
    cluster = await SplitCluster.start({ gateways: 2, env: { RATE_LIMIT_LOGIN_PER_MINUTE: '3' } });
  }, 180_000);
  afterAll(() => cluster?.stop(), 60_000);

  it('are shared by every gateway (counted in Redis), and answer 429 with a JSON body', async () => {
    const name = `limited${Date.now() % 100000}`;
    const [one, two] = [
      new SwitchboardClient({ baseUrl: cluster.gatewayUrl }),
      new SwitchboardClient({ baseUrl: cluster.secondGatewayUrl }),
    ];
    await one.register(name, 'password-123'); // counted apart: each route has its own counter
    await one.login(name, 'password-123'); // 1st
    await two.login(name, 'password-123'); // 2nd, through the other gateway
    await one.login(name, 'password-123'); // 3rd
    await expect(two.login(name, 'password-123')).rejects.toMatchObject({
      status: 429,
      body: { statusCode: 429, code: 'RATE_LIMITED' },
    });
    // registering is counted apart from logging in (each route has its own counter)
    await expect(one.register(`${name}x`, 'password-123')).resolves.toMatchObject({ username: `${name}x` });
  }, 60_000);
});
