/**
 * 1:1 on the split against the naive baseline, in ONE run and under the same load (issue 11; see
 * docs/architecture.md, 'Cost per message'):
 *
 * - baseline: two socket.io processes behind @socket.io/redis-adapter (bench/naive-split-baseline.server.ts), HTTP
 *   send → emit to the recipient's room on the other process;
 * - split: gateway, two push nodes, message-dispatch and storage-worker on PostgreSQL, Redis, RocketMQ, Elasticsearch.
 *
 * Both are driven by stock socket.io-client sockets (one per user, every push acked) and HTTP sends: USERS users in
 * pairs, MESSAGES 1:1 messages, CONCURRENCY sends in flight (each send waits for its push). Printed for each: delivered
 * msg/s, send→push p50/p99/p999, server CPU per delivered message in the measured phase by app and by engine (every
 * RocketMQ, Elasticsearch, Redis and PostgreSQL process), lost and duplicated, and the split's ratios to the baseline;
 * then the idle split's CPU per second per engine. The engines are shared: other work on them counts too.
 *
 * Freshly started engines are not yet warm: right after infra:up, three runs in a row measured RocketMQ at 2.7, 1.7
 * and 1.1 ms/msg and Elasticsearch at 0.9, 0.6 and 0.3 while the apps stayed the same. Run it a few times and quote
 * the runs after the first two; compare builds only on engines that are equally warm.
 *
 *   npm run infra:up && npm run build && npm run bench:split     # USERS=200 MESSAGES=10000 CONCURRENCY=64 WARMUP=1000
 */
import { WireType } from '@app/protocol';
import { claimRedisTestDatabase, freePort } from '@app/testing';
import { LoginResponse, SwitchboardClient } from '@switchboard/client';
import { ChildProcess, spawn } from 'node:child_process';
import { io, Socket } from 'socket.io-client';
import { SplitCluster } from '../test/e2e/split-cluster';
import {
  clusterCpuMeter,
  CpuMeter,
  cpuBreakdown,
  enginePids,
  idleCpuLine,
  percentile,
  runConcurrent,
  totalOf,
} from './bench-support';

const USERS = Number(process.env.USERS ?? 200) & ~1;
const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
/** Unmeasured sends first: the JVMs' JIT and the apps' caches warm up. */
const WARMUP = Number(process.env.WARMUP ?? 1000);
/** A push not seen this long after its send is counted lost. */
const LOST_AFTER_MS = Number(process.env.LOST_AFTER_MS ?? 30_000);

/** What a load needs from a deployment: a send from user i to user j. */
interface Target {
  send(from: number, to: number, body: string, id: string): Promise<void>;
}

interface Result {
  name: string;
  delivered: number;
  wallMs: number;
  latencies: number[];
  cpu: Record<string, number>;
  lost: number;
  duplicated: number;
}

async function measure(name: string, target: Target, sockets: Socket[], meter: CpuMeter, run: string) {
  await load(target, sockets, WARMUP, `${run}-warmup`);
  const cpu = meter.start();
  const t0 = performance.now();
  const outcome = await load(target, sockets, MESSAGES, run);
  const wallMs = performance.now() - t0;
  return { name, wallMs, cpu: meter.since(cpu), ...outcome } satisfies Result;
}

/** `total` sends round-robin over the users, each to its pair, CONCURRENCY at a time, each waiting for its push. */
async function load(target: Target, sockets: Socket[], total: number, run: string) {
  const waiting = new Map<string, (at: number) => void>();
  const seen = new Set<string>();
  let duplicated = 0;
  // keyed by the socket's user: the split also pushes a send to the sender's own devices
  const onPush = (user: number, body: string) => {
    if (!body?.startsWith(`${run} `)) return;
    const key = `${user}|${body}`;
    if (seen.has(key)) duplicated++;
    seen.add(key);
    waiting.get(key)?.(performance.now());
  };
  const listeners = sockets.map((socket, user) => {
    const listener = (m: { body: string; type?: number }) => {
      if (m.type === undefined || m.type === WireType.FriendMessage) onPush(user, m.body);
    };
    socket.on('message', listener);
    return () => socket.off('message', listener);
  });
  const latencies: number[] = [];
  let lost = 0;
  await runConcurrent(total, CONCURRENCY, async (i) => {
    const from = i % USERS;
    const body = `${run} ${i}`;
    const key = `${from ^ 1}|${body}`;
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<number | undefined>((resolve) => {
      waiting.set(key, resolve);
      timer = setTimeout(() => resolve(undefined), LOST_AFTER_MS);
    });
    const start = performance.now();
    await target.send(from, from ^ 1, body, `${run}-${i}`);
    const at = await arrived;
    clearTimeout(timer);
    waiting.delete(key);
    if (at === undefined) lost++;
    else latencies.push(at - start);
  });
  listeners.forEach((off) => off());
  return { delivered: latencies.length, latencies, lost, duplicated };
}

function print(result: Result, baseline?: Result): void {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const rate = (result.delivered / result.wallMs) * 1000;
  const cpuPerMsg = (totalOf(result.cpu) * 1000) / Math.max(1, result.delivered);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `${result.name.padEnd(9)} ${String(result.delivered).padStart(6)} delivered ${f(rate).padStart(7)} msg/s  ` +
      `send→push p50 ${f(percentile(sorted, 50))} ms  p99 ${f(percentile(sorted, 99))} ms  p999 ${f(percentile(sorted, 99.9))} ms  ` +
      `CPU ${(cpuPerMsg * 1000).toFixed(0)} µs/msg  lost ${result.lost}  duplicated ${result.duplicated}`,
  );
  console.log(`          CPU ms/msg by process: ${cpuBreakdown(result.cpu, Math.max(1, result.delivered))}`);
  if (baseline) {
    const baseRate = (baseline.delivered / baseline.wallMs) * 1000;
    const baseCpu = totalOf(baseline.cpu) / Math.max(1, baseline.delivered);
    console.log(
      `          vs baseline: throughput ×${(rate / baseRate).toFixed(2)}, CPU per message ×${(cpuPerMsg / 1000 / baseCpu).toFixed(1)}`,
    );
  }
}

/** The naive baseline: two socket.io processes on a Redis DB of this run; user i on process i % 2. */
async function baseline(run: string): Promise<Result> {
  const redis = await claimRedisTestDatabase();
  const ports = [await freePort(), await freePort()];
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(process.execPath, ['-r', 'ts-node/register', 'bench/naive-split-baseline.server.ts'], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', PORT: String(port), REDIS_URL: redis.url, CHANNEL: run },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const sockets: Socket[] = [];
  try {
    for (const port of ports) await healthy(`http://127.0.0.1:${port}/health`);
    for (let u = 0; u < USERS; u++) {
      const socket = io(`http://127.0.0.1:${ports[u % 2]}`, { transports: ['websocket'], auth: { userId: u } });
      socket.on('message', (m: { id: string }) => socket.emit('ack', { id: m.id }));
      await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
      sockets.push(socket);
    }
    const target: Target = {
      send: async (from, to, body, id) => {
        const res = await sendOnce(`http://127.0.0.1:${ports[from % 2]}/send`, { to: String(to), body, id });
        if (res.status !== 201) throw new Error(`baseline send answered ${res.status}`);
        await res.arrayBuffer();
      },
    };
    const meter = new CpuMeter(() => ({ 'naive-socket.io': servers.map((s) => s.pid!), redis: enginePids().redis }));
    return await measure('baseline', target, sockets, meter, `${run}-b`);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await Promise.all(servers.map((s) => new Promise((r) => (s.once('exit', r), s.kill('SIGTERM')))));
    await redis.release();
  }
}

/** The split: USERS users in friend pairs, each on a stock socket to the push node named at login. */
async function split(run: string): Promise<Result> {
  const cluster = await SplitCluster.start();
  const sockets: Socket[] = [];
  try {
    const clients: SwitchboardClient[] = [];
    const sessions: LoginResponse[] = [];
    for (let u = 0; u < USERS; u++) {
      const client = new SwitchboardClient({ baseUrl: cluster.gatewayUrl });
      const name = `bsp${u}_${run}`;
      await client.register(name, 'password-123');
      sessions.push(await client.login(name, 'password-123'));
      clients.push(client);
      if (u % 2 === 1) {
        const { id } = await clients[u - 1].requestFriend(client.userId);
        await client.acceptFriend(id);
      }
    }
    for (const session of sessions) {
      const socket = io(session.node.url, {
        transports: ['websocket'],
        auth: { token: session.accessToken, lastSeq: 0 },
      });
      // every push acked, as a client that shows it would
      socket.on('message', (m: { seq?: number }) => m.seq !== undefined && socket.emit('ack', { seq: m.seq }));
      await new Promise((resolve, reject) => {
        socket.once('connected', resolve);
        socket.once('error', reject);
      });
      sockets.push(socket);
    }
    const meter = clusterCpuMeter(cluster);
    console.log(`split ${await idleCpuLine(meter)}`);
    const target: Target = {
      send: async (from, to, body, clientMsgId) => {
        const res = await sendOnce(
          `${cluster.gatewayUrl}/api/v1/messages`,
          { to: { userId: sessions[to].user.id }, body, clientMsgId },
          { authorization: `Bearer ${sessions[from].accessToken}` },
        );
        if (res.status !== 201) throw new Error(`split send answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      },
    };
    return await measure('split', target, sockets, meter, `${run}-s`);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await cluster.stop();
  }
}

/**
 * POSTs JSON; a keep-alive connection the server closed just as it was reused is retried once on a fresh one (the
 * split dedups on clientMsgId; a baseline retry that did go through shows up as a duplicate).
 */
async function sendOnce(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

async function healthy(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`${url} not up within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const run = `r${Date.now() % 1_000_000}`;
  console.log(`users ${USERS}, messages ${MESSAGES} (+${WARMUP} warm-up), ${CONCURRENCY} in flight, every push acked`);
  const base = await baseline(run);
  print(base);
  const result = await split(run);
  print(result, base);
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
