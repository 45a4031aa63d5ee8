/**
 * Group fan-out on the split: a GROUP_SIZE-member group (default 5,000), ONLINE of them connected over both push
 * nodes, MESSAGES sequential group sends. Prints send → 201 latency, live deliveries per second (pushes received by
 * the online members; bounded by the send rate), the time until every member's inbox holds every message, and server
 * CPU per message across the apps and engines until then. Baseline in the same run: BASELINE_MESSAGES sends to a
 * 2-member group, measured the same way.
 * Setup writes the members straight into PostgreSQL and signs their tokens (registering 5,000 users through argon2
 * would take minutes and is not what is measured).
 *
 *   npm run infra:up && npm run build && npm run bench:group        # GROUP_SIZE=5000 ONLINE=500 MESSAGES=20
 */
import { newTimeOrderedId } from '@app/core';
import { PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import * as jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { SplitCluster } from '../test/e2e/split-cluster';
import { clusterCpuMeter, cpuBreakdown, idleCpuLine, percentile, totalOf } from './bench-support';

const GROUP_SIZE = Number(process.env.GROUP_SIZE ?? 5000);
const ONLINE = Number(process.env.ONLINE ?? 500);
const MESSAGES = Number(process.env.MESSAGES ?? 20);
/** The baseline's sends are cheap: more of them, so that the engines' background work does not dominate its CPU. */
const BASELINE_MESSAGES = Number(process.env.BASELINE_MESSAGES ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 300);

interface Member {
  id: string;
  node: string;
}

async function seedGroup(
  databaseUrl: string,
  ownerId: string,
  size: number,
): Promise<{ groupId: string; members: Member[] }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const groupId = newTimeOrderedId();
  const now = Date.now();
  const members: Member[] = [];
  await db.query('INSERT INTO groups (id, name, owner_id, created_at) VALUES ($1, $2, $3, $4)', [
    groupId,
    `bench ${size}`,
    ownerId,
    now,
  ]);
  await db.query("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ($1, $2, 'owner', $3)", [
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
    await db.query(
      `INSERT INTO users (id, username, username_key, nickname, password_hash, created_at) VALUES ${batch.map((_, k) => `($${k * 6 + 1}, $${k * 6 + 2}, $${k * 6 + 3}, $${k * 6 + 4}, $${k * 6 + 5}, $${k * 6 + 6})`).join(',')}`,
      users,
    );
    await db.query(
      `INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ${batch.map((_, k) => `($1, $${k + 2}, 'member', ${now})`).join(',')}`,
      [groupId, ...batch.map((u) => u.id)],
    );
    batch.forEach((u) => members.push({ id: u.id, node: '' }));
  }
  await db.end();
  return { groupId, members };
}

async function main(): Promise<void> {
  const cluster = await SplitCluster.start();
  const sockets: Socket[] = [];
  try {
    const { JWT_SECRET, DATABASE_URL } = cluster.apps.gateway.env;
    const nodes = [cluster.apps['netty-node-1'], cluster.apps['netty-node-2']].map((n) => ({
      id: n.env.NODE_ID,
      url: n.env.PUBLIC_URL,
    }));
    const owner = new SwitchboardClient({ baseUrl: cluster.gatewayUrl });
    const ownerName = `fanowner${Date.now() % 100000}`;
    await owner.register(ownerName, 'password-123');
    await owner.login(ownerName, 'password-123');
    const { groupId, members } = await seedGroup(DATABASE_URL, owner.userId, GROUP_SIZE);
    const small = await seedGroup(DATABASE_URL, owner.userId, 2);

    // ONLINE members connect, alternating between the nodes, with tokens naming their node
    let delivered = 0;
    let lastDelivery = 0;
    for (let i = 0; i < Math.min(ONLINE, members.length); i++) {
      const node = nodes[i % 2];
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

    const meter = clusterCpuMeter(cluster);

    /** `count` sequential sends to a group, then waits until its last member's inbox holds them all. */
    async function run(target: string, label: string, count: number, probe: string): Promise<void> {
      // the last member's inbox, read from where it stands now: it tells when every inbox holds this run
      const prober = new SwitchboardClient({ baseUrl: cluster.gatewayUrl });
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
    console.log(`group of ${GROUP_SIZE}, ${online} online over 2 push nodes; ${await idleCpuLine(meter)}`);
    await run(small.groupId, 'baseline 2-member', BASELINE_MESSAGES, small.members[0].id);
    await run(groupId, `group ${GROUP_SIZE}`, MESSAGES, members[members.length - 1].id);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
