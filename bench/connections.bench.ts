/**
 * Connections held by one push node (see docs/architecture.md, 'Cost per message'): opens CONNECTIONS socket.io clients
 * against the one-process server (which is a push node), in waves of WAVE, and prints connections per second while
 * connecting, server CPU per connection set up, memory per connection held, and the server's CPU while it only holds
 * them (route heartbeats, pings). Baselines in the same run: the idle server before any connection, and the naive
 * socket.io server (bench/naive-baseline.server.ts, on Redis) holding as many connections. The tokens are
 * signed here for synthetic users (registering thousands through argon2 would take minutes and is not what is
 * measured); a token is all the push channel checks.
 *
 *   npm run build && npm run bench:connections       # CONNECTIONS=5000 WAVE=250 HOLD_SECONDS=15 to change the load
 */
import { newTimeOrderedId } from '@app/core';
import type { ConnectedEvent } from '@app/protocol';
import * as jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, Socket } from 'socket.io-client';
import { cpuSeconds, rssMiB, startServer, startStandalone } from './bench-support';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 5000);
const WAVE = Number(process.env.WAVE ?? 250);
const HOLD_SECONDS = Number(process.env.HOLD_SECONDS ?? 15);
const PORT = Number(process.env.PORT ?? 3978);
const BASELINE_PORT = Number(process.env.BASELINE_PORT ?? 3979);
const NODE_ID = 'bench-node';

async function connectedGauge(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('switchboard_push_connections '));
  return Number(line?.split(' ')[1] ?? NaN);
}

function open(baseUrl: string, secret: string): Promise<Socket> {
  const userId = newTimeOrderedId();
  const token = jwt.sign({ sub: userId, usr: `c${userId.slice(-8)}`, node: NODE_ID, jti: newTimeOrderedId() }, secret, {
    expiresIn: 3600,
  });
  const socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token, lastSeq: 0 },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no 201 within 30 s')), 30_000);
    socket.once('connected', (_: ConnectedEvent) => (clearTimeout(timer), resolve(socket)));
    socket.once('connect_error', (e) => (clearTimeout(timer), reject(e)));
    socket.once('error', (e) => (clearTimeout(timer), reject(new Error(JSON.stringify(e)))));
  });
}

/** The naive baseline's connection: socket.io's defaults, no token, the user's room from `auth.userId`. */
function openNaive(baseUrl: string): Promise<Socket> {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    auth: { userId: newTimeOrderedId() },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect within 30 s')), 30_000);
    socket.once('connect', () => (clearTimeout(timer), resolve(socket)));
    socket.once('connect_error', (e) => (clearTimeout(timer), reject(e)));
  });
}

async function connectAll(connect: () => Promise<Socket>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  while (sockets.length < CONNECTIONS) {
    const wave = Math.min(WAVE, CONNECTIONS - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: wave }, connect))));
  }
  return sockets;
}

/** RSS per connection the naive socket.io server holds, measured as Switchboard's is (idle, connect, settle 2 s). */
async function naiveKiBPerConnection(): Promise<number> {
  const child = await startServer(
    'bench/naive-baseline.server.ts',
    { PORT: String(BASELINE_PORT), NODE_OPTIONS: '-r ts-node/register/transpile-only' },
    BASELINE_PORT,
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let sockets: Socket[] = [];
  try {
    await sleep(5000);
    const rssIdle = rssMiB(child.pid!);
    sockets = await connectAll(() => openNaive(`http://127.0.0.1:${BASELINE_PORT}`));
    await sleep(2000);
    return ((rssMiB(child.pid!) - rssIdle) * 1024) / CONNECTIONS;
  } finally {
    sockets.forEach((s) => s.disconnect());
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const naiveKiB = await naiveKiBPerConnection();
  const secret = randomBytes(24).toString('hex');
  const { server, baseUrl, stop } = await startStandalone(PORT, { NODE_ID, JWT_SECRET: secret });
  const pid = server.pid!;
  const sockets: Socket[] = [];
  try {
    await sleep(2000);
    const idleCpu0 = cpuSeconds(pid);
    await sleep(5000);
    const idleCpuPerSecond = (cpuSeconds(pid) - idleCpu0) / 5;
    const rssIdle = rssMiB(pid);

    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    sockets.push(...(await connectAll(() => open(baseUrl, secret))));
    const connectSeconds = (performance.now() - t0) / 1000;
    const connectCpu = cpuSeconds(pid) - cpu0;
    await sleep(2000);
    const rssHeld = rssMiB(pid);
    const gauge = await connectedGauge(baseUrl);

    const holdCpu0 = cpuSeconds(pid);
    await sleep(HOLD_SECONDS * 1000);
    const holdCpuPerSecond = (cpuSeconds(pid) - holdCpu0) / HOLD_SECONDS;
    const alive = sockets.filter((s) => s.connected).length;

    for (const socket of sockets) socket.disconnect();
    await sleep(3000);
    const rssAfter = rssMiB(pid);

    const fmt = (n: number, d = 1) => n.toFixed(d);
    console.log(`push node (one-process server), ${CONNECTIONS} connections in waves of ${WAVE}`);
    console.log(`baseline idle:  RSS ${fmt(rssIdle)} MiB, CPU ${fmt(idleCpuPerSecond * 1000)} ms/s with no connection`);
    console.log(
      `connecting:     ${fmt(CONNECTIONS / connectSeconds, 0)} connections/s (handshake, token check, route, replay, 201), ` +
        `server CPU ${fmt((connectCpu * 1e6) / CONNECTIONS, 0)} µs/connection`,
    );
    console.log(
      `holding:        ${alive} alive after ${HOLD_SECONDS} s (node reports ${gauge}), RSS ${fmt(rssHeld)} MiB = ` +
        `${fmt(((rssHeld - rssIdle) * 1024) / CONNECTIONS)} KiB/connection over the baseline, ` +
        `CPU ${fmt(holdCpuPerSecond * 1000)} ms/s (${fmt((holdCpuPerSecond * 1e6) / CONNECTIONS, 2)} µs/s per connection)`,
    );
    const kiB = ((rssHeld - rssIdle) * 1024) / CONNECTIONS;
    console.log(
      `naive baseline: ${fmt(naiveKiB)} KiB/connection (socket.io + redis-adapter, same load); ` +
        `Switchboard / baseline ×${fmt(kiB / naiveKiB, 2)}`,
    );
    console.log(`after closing:  RSS ${fmt(rssAfter)} MiB, node reports ${await connectedGauge(baseUrl)} connections`);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
