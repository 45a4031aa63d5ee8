import { PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { claimRedisTestDatabase, createPostgresTestDatabase, freePort, waitFor } from '@app/testing';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** How long an app may take from spawn to a healthy /health. */
const START_BOUND_MS = 180_000;
const ROOT = join(__dirname, '..', '..');
const LOGS = join(ROOT, 'reports', 'split-logs');
export type AppName = 'gateway' | 'gateway-2' | 'netty-node-1' | 'netty-node-2' | 'message-dispatch' | 'storage-worker';

interface AppSpec {
  script: string;
  port: number;
  env: Record<string, string>;
}

/** Runs one app to its exit (a failed boot); returns its exit code and output. */
export async function runAppToExit(
  app: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [`dist/apps/${app}/src/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** A registered, logged-in user of a cluster; the client is disconnected when the cluster stops. */
export type TestUser = SwitchboardClient & { username: string; password: string };

/** Every message the client hands over from now on, in order. */
export function collectMessages(client: SwitchboardClient): PushMessage[] {
  const seen: PushMessage[] = [];
  client.on('message', (m) => seen.push(m));
  return seen;
}

/** `a` asks, `b` accepts: they are friends and may message each other. */
export async function befriend(a: SwitchboardClient, b: SwitchboardClient): Promise<void> {
  const { id } = await a.requestFriend(b.userId);
  await b.acceptFriend(id);
}

/** The bodies of the 1:1 messages among `messages`. */
export function chatBodies(messages: PushMessage[]): (string | undefined)[] {
  return messages.filter((m) => m.type === WireType.FriendMessage).map((m) => m.body);
}

/**
 * The split as separate processes on the real engines (PostgreSQL, Redis, RocketMQ, Elasticsearch), isolated from
 * anything else on the machine: its own database, Redis DB, topic, consumer groups and index. Needs `npm run build`.
 */
export class SplitCluster {
  readonly processes = new Map<AppName, ChildProcess>();
  /** Apps that exited without being stopped, or failed while stopping gracefully (a crash): fault tests expect none. */
  readonly crashes: { name: AppName; code: number | null; signal: NodeJS.Signals | null }[] = [];
  private readonly stopping = new WeakSet<ChildProcess>();
  private readonly clients: SwitchboardClient[] = [];
  private users = 0;
  private constructor(
    readonly apps: Partial<Record<AppName, AppSpec>> & Record<Exclude<AppName, 'gateway-2'>, AppSpec>,
    readonly nodeIds: [string, string],
    private readonly cleanup: () => Promise<void>,
    /** Where each app's output goes (`<app>.log`). */
    readonly logsDir: string = LOGS,
  ) {}

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.apps.gateway.port}`;
  }

  /** A second gateway's URL, when started with `gateways: 2`. */
  get secondGatewayUrl(): string {
    if (!this.apps['gateway-2']) throw new Error('started with one gateway');
    return `http://127.0.0.1:${this.apps['gateway-2'].port}`;
  }

  /**
   * `redisUrl`: a Redis of the test's own (e.g. one it will stop); default the machine's, on a DB of this run.
   * `env`: settings for every app (e.g. rate limits). `gateways`: 2 starts a second gateway on the same engines.
   * `via`: reach PostgreSQL or Elasticsearch through another `host:port` (a TcpFaultProxy, to cut it).
   * `rocketmq`: another RocketMQ than the shared one (a DedicatedRocketMq, to kill it); the proxy's routes name its
   * own address, so a relay in front of it would be bypassed. `logsDir`: where the apps' output goes (default
   * reports/split-logs).
   */
  static async start(
    options: {
      redisUrl?: string;
      env?: Record<string, string>;
      gateways?: 1 | 2;
      via?: { postgres?: string; elasticsearch?: string };
      rocketmq?: { endpoints: string; namesrvPort: number };
      logsDir?: string;
    } = {},
  ): Promise<SplitCluster> {
    if (!existsSync(join(ROOT, 'dist/apps/gateway/src/main.js'))) throw new Error('run `npm run build` first');
    const logsDir = options.logsDir ?? LOGS;
    mkdirSync(logsDir, { recursive: true });
    const run = randomBytes(4).toString('hex');
    const database = await createPostgresTestDatabase();
    const topic = `sbe2e-${run}`;
    const groupPrefix = `sbe2e-${run}`;
    // a topic and groups of this cluster's own, deleted at stop so that they do not pile up on the broker
    const topicScript = (action: 'create' | 'delete') =>
      promisify(execFile)(
        'bash',
        [join(ROOT, 'scripts/infra/topic.sh'), action, topic, `${groupPrefix}-history`, `${groupPrefix}-offline`],
        options.rocketmq && { env: { ...process.env, ROCKETMQ_NAMESRV_PORT: String(options.rocketmq.namesrvPort) } },
      );
    await topicScript('create');
    // a database of this cluster's own: another cluster's nodes in the same registry would be handed out at login
    const redisLease = options.redisUrl ? undefined : await claimRedisTestDatabase();
    const redisUrl = options.redisUrl ?? redisLease!.url;
    const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
    const appEsUrl = options.via?.elasticsearch ? `http://${options.via.elasticsearch}` : esUrl;
    const rocketmq = options.rocketmq?.endpoints ?? '127.0.0.1:8081';
    const databaseUrl = new URL(database.url);
    if (options.via?.postgres) databaseUrl.host = options.via.postgres;
    const index = `sbe2e-${run}`;
    const common = {
      JWT_SECRET: randomBytes(24).toString('hex'),
      INTERNAL_SECRET: randomBytes(24).toString('hex'),
      REDIS_URL: redisUrl,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_SEND_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE: '100000',
      PASSWORD_HASH_QUEUE_MAX: '100000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
      ...options.env,
    };
    const [gw, n1, n2, n1i, n2i, dp, sw, gw2, rpc] = await Promise.all(Array.from({ length: 9 }, () => freePort()));
    const nodeIds: [string, string] = [`e2e-${run}-a`, `e2e-${run}-b`];
    const node = (id: string, port: number, internal: number): AppSpec => ({
      script: 'dist/apps/netty-node/src/main.js',
      port,
      env: {
        ...common,
        PORT: String(port),
        NODE_ID: id,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        INTERNAL_PORT: String(internal),
        INTERNAL_URL: `ws://127.0.0.1:${internal}`,
        NODE_HEARTBEAT_MS: '500',
        NODE_TTL_MS: '2000',
        DRAIN_TIMEOUT_MS: '2000',
      },
    });
    const gateway = (port: number): AppSpec => ({
      script: 'dist/apps/gateway/src/main.js',
      port,
      env: {
        ...common,
        PORT: String(port),
        DATABASE_URL: databaseUrl.toString(),
        DISPATCH_URL: `tcp://127.0.0.1:${rpc}`,
        ELASTICSEARCH_URL: appEsUrl,
        ELASTICSEARCH_INDEX: index,
      },
    });
    const apps: SplitCluster['apps'] = {
      'message-dispatch': {
        script: 'dist/apps/message-dispatch/src/main.js',
        port: dp,
        env: {
          ...common,
          PORT: String(dp),
          RPC_PORT: String(rpc),
          ROCKETMQ_ENDPOINTS: rocketmq,
          ROCKETMQ_TOPIC: topic,
        },
      },
      'storage-worker': {
        script: 'dist/apps/storage-worker/src/main.js',
        port: sw,
        env: {
          ...common,
          PORT: String(sw),
          ROCKETMQ_ENDPOINTS: rocketmq,
          ROCKETMQ_TOPIC: topic,
          ROCKETMQ_GROUP_PREFIX: groupPrefix,
          ROCKETMQ_INVISIBLE_MS: '10000',
          ELASTICSEARCH_URL: appEsUrl,
          ELASTICSEARCH_INDEX: index,
        },
      },
      'netty-node-1': node(nodeIds[0], n1, n1i),
      'netty-node-2': node(nodeIds[1], n2, n2i),
      gateway: gateway(gw),
      ...(options.gateways === 2 && { 'gateway-2': gateway(gw2) }),
    };
    const cluster = new SplitCluster(
      apps,
      nodeIds,
      async () => {
        await Promise.all([
          database.drop(),
          redisLease?.release(),
          fetch(`${esUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined),
          topicScript('delete').catch(() => undefined), // a killed broker may be gone already
        ]);
      },
      logsDir,
    );
    const order: AppName[] = ['message-dispatch', 'storage-worker', 'netty-node-1', 'netty-node-2', 'gateway'];
    if (options.gateways === 2) order.push('gateway-2');
    for (const name of order) await cluster.startApp(name);
    return cluster;
  }

  async startApp(name: AppName): Promise<void> {
    const spec = this.apps[name];
    if (!spec) throw new Error(`${name} is not part of this cluster`);
    const log = createWriteStream(join(this.logsDir, `${name}.log`), { flags: 'a' });
    // SWITCHBOARD_CPU_PROFILE_DIR=<dir>: each app writes a V8 CPU profile there when it stops (benchmarks)
    const profileDir = process.env.SWITCHBOARD_CPU_PROFILE_DIR;
    const profile = profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
    const child = spawn(process.execPath, [...profile, spec.script], {
      cwd: ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    // the end of what the app printed, for the error below: CI keeps the report but not always the logs dir
    let tail = '';
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-3000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.processes.set(name, child);
    child.once('exit', (code, signal) => {
      if (!this.stopping.has(child)) this.crashes.push({ name, code, signal });
    });
    // generous: a Node app boots in seconds, but on a box busy with JVMs and load it can take a minute or more
    const until = Date.now() + START_BOUND_MS;
    for (;;) {
      if (child.exitCode !== null) {
        // its last output may still be in the pipes
        if (!child.stdout!.readableEnded) await new Promise((r) => setTimeout(r, 1000));
        throw new Error(
          `${name} exited with ${child.exitCode} during start; see ${this.logsDir}/${name}.log; it printed:\n${tail}`,
        );
      }
      try {
        if ((await fetch(`http://127.0.0.1:${spec.port}/health`)).ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`${name} not healthy within ${START_BOUND_MS / 1000} s; see ${this.logsDir}/${name}.log`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stops an app: SIGKILL simulates a crash, SIGTERM a graceful stop. */
  async stopApp(name: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    this.stopping.add(child);
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    // a graceful stop ends by the signal or with 0; another exit code is a crash on the way out
    if (signal === 'SIGTERM' && child.exitCode !== null && child.exitCode !== 0) {
      this.crashes.push({ name, code: child.exitCode, signal: null });
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.processes.delete(name);
  }

  /** A new user, registered and logged in through the gateway (not connected). */
  async user(prefix = 'split'): Promise<TestUser> {
    const client = this.client({
      username: `${prefix}${process.pid}_${++this.users}_${Date.now() % 100000}`,
      password: 'password-123',
    });
    await client.register(client.username, client.password);
    await client.login(client.username, client.password);
    return client;
  }

  /** A new user whose place on the hash ring is the given node. */
  async userOn(nodeId: string, prefix?: string): Promise<TestUser> {
    for (let i = 0; i < 40; i++) {
      const user = await this.user(prefix);
      if (user.session!.node.id === nodeId) return user;
    }
    throw new Error(`no user landed on ${nodeId}`);
  }

  /**
   * What a client does when its push node died: a fresh device of the same user that resumes after what the old one
   * held, logged in again until it lands on another node (not connected).
   */
  async moveOff(user: TestUser, deadNode: string): Promise<TestUser> {
    user.disconnect();
    const again = this.device(user, user.lastSeq);
    await waitFor(
      async () => (await again.login(again.username, again.password)).node.id !== deadNode,
      20_000,
      'a login that avoids the dead node',
    );
    return again;
  }

  async stop(): Promise<void> {
    this.clients.forEach((c) => c.disconnect());
    await Promise.all([...this.processes.keys()].map((name) => this.stopApp(name)));
    await this.cleanup();
  }

  /** Another device of the user, resuming after `lastSeq` (not logged in). */
  device(user: TestUser, lastSeq?: number): TestUser {
    return this.client({ username: user.username, password: user.password }, lastSeq);
  }

  private client(account: { username: string; password: string }, lastSeq?: number): TestUser {
    const client = Object.assign(
      new SwitchboardClient({ baseUrl: this.gatewayUrl, lastSeq, ackDelayMs: 10, gapWaitMs: 100 }),
      account,
    );
    this.clients.push(client);
    return client;
  }
}
