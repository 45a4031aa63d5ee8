/**
 * Group fan-out: a GROUP_SIZE-member group (default 5,000), ONLINE of them connected, MESSAGES sequential group sends.
 * Prints send → 201 latency, live deliveries per second (pushes received by the online members; bounded by the send
 * rate), the time until every member's inbox holds every message, and server CPU per message across the server
 * processes (and, on the split, the engines) until then. Baseline in the same run: BASELINE_MESSAGES sends to a
 * 2-member group, measured the same way.
 * DEPLOYMENT=split (default): the split with two push nodes (infra:up first). DEPLOYMENT=standalone: the one-process
 * server on its embedded SQLite, every member on its one push endpoint.
 * Setup writes the members straight into the database and signs their tokens (registering 5,000 users through argon2
 * would take minutes and is not what is measured).
 *
 *   npm run infra:up && npm run build && npm run bench:group        # GROUP_SIZE=5000 ONLINE=500 MESSAGES=20
 *   npm run build && DEPLOYMENT=standalone npm run bench:group
 */
import { newTimeOrderedId } from '@app/core';
import { PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import Database from 'better-sqlite3';
import * as jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { SplitCluster } from '../test/e2e/split-cluster';
import {
  clusterCpuMeter,
  CpuMeter,
  cpuBreakdown,
  idleCpuLine,
  percentile,
  startStandalone,
  totalOf,
} from './bench-support';

const GROUP_SIZE = Number(process.env.GROUP_SIZE ?? 5000);
const ONLINE = Number(process.env.ONLINE ?? 500);
const MESSAGES = Number(process.env.MESSAGES ?? 20);
/** The baseline's sends are cheap: more of them, so that the engines' background work does not dominate its CPU. */
const BASELINE_MESSAGES = Number(process.env.BASELINE_MESSAGES ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 300);
const DEPLOYMENT = process.env.DEPLOYMENT ?? 'split';
const STANDALONE_PORT = Number(process.env.PORT ?? 3981);

/** Runs SQL written with `?` placeholders against the deployment's database. */
type Execute = (sql: string, params: unknown[]) => Promise<void>;

/** What the bench needs of a running deployment, whichever it is. */
interface Deployment {
  label: string;
  gatewayUrl: string;
  jwtSecret: string;
  nodes: { id: string; url: string }[];
  meter: CpuMeter;
  execute: Execute;
  stop(): Promise<void>;
}

async function startSplit(): Promise<Deployment> {
  const cluster = await SplitCluster.start();
  const { JWT_SECRET, DATABASE_URL } = cluster.apps.gateway.env;
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  return {
    label: 'split, 2 push nodes',
    gatewayUrl: cluster.gatewayUrl,
    jwtSecret: JWT_SECRET,
    nodes: [cluster.apps['netty-node-1'], cluster.apps['netty-node-2']].map((n) => ({
      id: n.env.NODE_ID,
      url: n.env.PUBLIC_URL,
    })),
    meter: clusterCpuMeter(cluster),
    execute: async (sql, params) => {
      let n = 0;
      await db.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    },
    async stop() {
      await db.end();
      await cluster.stop();
    },
  };
}

async function startOneProcess(): Promise<Deployment> {
  const jwtSecret = randomBytes(32).toString('hex');
  const standalone = await startStandalone(STANDALONE_PORT, { JWT_SECRET: jwtSecret });
  // the server's own database file, beside it in WAL mode; a write waits for the server's commit of the moment
  const db = new Database(join(standalone.dataDir, 'switchboard.sqlite'), { timeout: 30_000 });
  const pid = standalone.server.pid!;
  return {
    label: 'one process',
    gatewayUrl: standalone.baseUrl,
    jwtSecret,
    nodes: [{ id: 'standalone', url: standalone.baseUrl }],
    meter: new CpuMeter(() => ({ standalone: [pid] })),
    execute: async (sql, params) => void db.prepare(sql).run(...params),
    async stop() {
      db.close();
      await standalone.stop();
    },
  };
}

interface Member {
  id: string;
  node: string;
}

async function seedGroup(
  execute: Execute,
  ownerId: string,
  size: number,
): Promise<{ groupId: string; members: Member[] }> {
  const groupId = newTimeOrderedId();
  const now = Date.now();
  const members: Member[] = [];
  await execute('INSERT INTO groups (id, name, owner_id, created_at) VALUES (?, ?, ?, ?)', [
    groupId,
    `bench ${size}`,
    ownerId,
    now,
  ]);
  await execute("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES (?, ?, 'owner', ?)", [
    groupId,
    ownerId,
    now,
  ]);
  for (let i = 0; i < size - 1; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, size - 1 - i) }, (_, j) => ({
      id: newTimeOrderedId(),
      name: `fan${now % 100000}_${i + j}`,
    }));
    const users = batch.flatMap((u) => [u.id, u.name, u.name, u.name, 'x', now]);
    await execute(
      `INSERT INTO users (id, username, username_key, nickname, password_hash, created_at) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(',')}`,
      users,
    );
    await execute(
      `INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ${batch.map(() => `(?, ?, 'member', ?)`).join(',')}`,
      batch.flatMap((u) => [groupId, u.id, now]),
    );
    batch.forEach((u) => members.push({ id: u.id, node: '' }));
  }
  return { groupId, members };
}

async function main(): Promise<void> {
  if (DEPLOYMENT !== 'split' && DEPLOYMENT !== 'standalone') throw new Error('DEPLOYMENT must be split or standalone');
  const deployment = DEPLOYMENT === 'split' ? await startSplit() : await startOneProcess();
  const { gatewayUrl, jwtSecret: JWT_SECRET, nodes, meter } = deployment;
  const sockets: Socket[] = [];
  try {
    const owner = new SwitchboardClient({ baseUrl: gatewayUrl });
    const ownerName = `fanowner${Date.now() % 100000}`;
    await owner.register(ownerName, 'password-123');
    await owner.login(ownerName, 'password-123');
    const { groupId, members } = await seedGroup(deployment.execute, owner.userId, GROUP_SIZE);
    const small = await seedGroup(deployment.execute, owner.userId, 2);

    // ONLINE members connect, alternating between the nodes, with tokens naming their node
    let delivered = 0;
    let lastDelivery = 0;
    for (let i = 0; i < Math.min(ONLINE, members.length); i++) {
      const node = nodes[i % nodes.length];
      const token = jwt.sign({ sub: members[i].id, usr: `m${i}`, node: node.id, jti: newTimeOrderedId() }, JWT_SECRET, {
        expiresIn: 3600,
      });
      const socket = io(node.url, {
        path: '/socket.io',
        transports: ['websocket'],
        auth: { token, lastSeq: 0 },
        reconnection: false,
      });
      socket.on('message', (m: PushMessage) => {
        if (m.type !== WireType.GroupMessage) return;
        delivered++;
        lastDelivery = performance.now();
      });
      await new Promise((resolve, reject) => (socket.once('connected', resolve), socket.once('connect_error', reject)));
      sockets.push(socket);
    }
    const online = sockets.length;

    /** `count` sequential sends to a group, then waits until its last member's inbox holds them all. */
    async function run(target: string, label: string, count: number, probe: string): Promise<void> {
      // the last member's inbox, read from where it stands now: it tells when every inbox holds this run
      const prober = new SwitchboardClient({ baseUrl: gatewayUrl });
      prober.http.token = jwt.sign(
        { sub: probe, usr: 'probe', node: nodes[0].id, jti: newTimeOrderedId() },
        JWT_SECRET,
        {
          expiresIn: 3600,
        },
      );
      const from = (await prober.inbox(0, 1)).headSeq;
      const latencies: number[] = [];
      delivered = 0;
      const cpu0 = meter.start();
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        await owner.sendToGroup(target, `${label} ${i}`);
        latencies.push(performance.now() - start);
      }
      const sent = performance.now();
      const expected = target === groupId ? online * count : 0;
      while (delivered < expected && performance.now() - sent < 60_000) await new Promise((r) => setTimeout(r, 20));
      const liveDone = expected ? lastDelivery : sent;
      while (
        (await prober.inbox(from, 500)).entries.filter((e) => e.body?.startsWith(`${label} `)).length < count &&
        performance.now() - sent < 120_000
      )
        await new Promise((r) => setTimeout(r, 100));
      const inboxDone = performance.now();
      const byGroup = meter.since(cpu0);
      const used = totalOf(byGroup);
      const sorted = latencies.sort((a, b) => a - b);
      const recipients = target === groupId ? GROUP_SIZE : 2;
      console.log(
        `${label.padEnd(18)} ${count} sends to ${recipients} members: send→201 p50 ${percentile(sorted, 50).toFixed(0)} ms p99 ${percentile(sorted, 99).toFixed(0)} ms; ` +
          (expected
            ? `live ${delivered}/${expected} deliveries, ${((delivered / (liveDone - t0)) * 1000).toFixed(0)} deliveries/s; `
            : '') +
          `all inboxes written after ${((inboxDone - t0) / 1000).toFixed(1)} s (${(((recipients * count) / (inboxDone - t0)) * 1000).toFixed(0)} inbox writes/s); ` +
          `server CPU ${((used * 1000) / count).toFixed(1)} ms/message (${cpuBreakdown(byGroup, count)}), ${((used * 1e6) / (count * recipients)).toFixed(1)} µs/recipient`,
      );
    }

    // unmeasured: the JVMs' JIT and the apps' caches (the 5,000 members) warm up
    for (let i = 0; i < WARMUP; i++) await owner.sendToGroup(small.groupId, `warmup ${i}`);
    await owner.sendToGroup(groupId, 'warmup');
    console.log(`${deployment.label}: group of ${GROUP_SIZE}, ${online} online; ${await idleCpuLine(meter)}`);
    await run(small.groupId, 'baseline 2-member', BASELINE_MESSAGES, small.members[0].id);
    await run(groupId, `group ${GROUP_SIZE}`, MESSAGES, members[members.length - 1].id);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await deployment.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
