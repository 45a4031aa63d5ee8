import { setTimeout as sleep } from 'node:timers/promises';
import { io, Socket } from 'socket.io-client';
import { cpuSeconds, percentile, rssMiB } from './bench-support';

/** One user of a load: its id, a way to open its push socket, and a way to send to another user. */
export interface LoadUser {
  id: string;
  connect(): Promise<Socket>;
  send(to: LoadUser, body: string, clientMsgId: string): Promise<void>;
}

/** A server under load: how to make `count` users, and each push's body and seq. */
export interface LoadTarget {
  name: string;
  pid: number;
  users(count: number): Promise<LoadUser[]>;
}

export interface LoadFigures {
  delivered: number;
  msgPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  /** Server CPU per delivered message, µs (measured phase only). */
  cpuUs: number;
  rssMiB: number;
  lost: number;
  duplicated: number;
  failed: number;
}

/** Seconds a push may take before its message counts as lost. */
const LOST_AFTER_MS = 15_000;

/**
 * Connects every user with the stock socket.io client (each push acknowledged with the highest seq seen), then sends
 * `warmup` unmeasured and `total` measured messages between friend pairs (user 2k ↔ 2k+1) with `concurrency` in
 * flight; a message is in flight from its send until its recipient's push. CPU is the server's, over the measured
 * phase only.
 */
export async function runLoad(
  target: LoadTarget,
  options: { users: number; total: number; concurrency: number; warmup: number },
): Promise<LoadFigures> {
  const users = await target.users(options.users);
  const waiting = new Map<string, (at: number) => void>();
  const seen = new Set<string>();
  let duplicated = 0;
  const sockets = await Promise.all(
    users.map(async (user) => {
      const socket = await user.connect();
      let acked = 0;
      socket.on('message', (m: { body?: string; seq?: number; senderId?: string }) => {
        if (typeof m.seq === 'number' && m.seq > acked) socket.emit('ack', { seq: (acked = m.seq) });
        if (m.senderId === user.id || m.body === undefined) return; // the sender's own copy
        const key = `${user.id} ${m.body}`;
        if (seen.has(key)) return void duplicated++;
        seen.add(key);
        waiting.get(key)?.(performance.now());
      });
      return socket;
    }),
  );
  const pairs = Math.floor(users.length / 2);
  const phase = async (run: string, total: number) => {
    const latencies: number[] = [];
    let lost = 0;
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const pair = i % pairs;
          const flip = Math.floor(i / pairs) % 2;
          const [from, to] = [users[2 * pair + flip], users[2 * pair + 1 - flip]];
          const body = `${run} ${i}`;
          const key = `${to.id} ${body}`;
          let timer: NodeJS.Timeout | undefined;
          const arrived = new Promise<number | undefined>((resolve) => {
            waiting.set(key, resolve);
            timer = setTimeout(() => resolve(undefined), LOST_AFTER_MS);
          });
          const start = performance.now();
          try {
            await from.send(to, body, `${run}-${i}`);
          } catch {
            failed++;
            clearTimeout(timer);
            waiting.delete(key);
            continue;
          }
          const at = await arrived;
          clearTimeout(timer);
          waiting.delete(key);
          if (at === undefined) lost++;
          else latencies.push(at - start);
        }
      }),
    );
    return { latencies, lost, failed };
  };
  await phase(`warmup${Date.now()}`, options.warmup);
  const dup0 = duplicated;
  const cpu0 = cpuSeconds(target.pid);
  const t0 = performance.now();
  const { latencies, lost, failed } = await phase(`run${Date.now()}`, options.total);
  const wallMs = performance.now() - t0;
  const cpu = cpuSeconds(target.pid) - cpu0;
  // late duplicates of the measured phase still count
  await sleep(500);
  const rss = rssMiB(target.pid);
  sockets.forEach((s) => s.disconnect());
  const sorted = latencies.sort((a, b) => a - b);
  return {
    delivered: sorted.length,
    msgPerSecond: (sorted.length / wallMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    cpuUs: (cpu * 1e6) / Math.max(1, sorted.length),
    rssMiB: rss,
    lost,
    duplicated: duplicated - dup0,
    failed,
  };
}

export function figuresLine(name: string, f: LoadFigures): string {
  const n = (x: number, d = 1) => x.toFixed(d);
  return (
    `${name.padEnd(12)} ${String(f.delivered).padStart(6)} delivered ${n(f.msgPerSecond, 0).padStart(6)} msg/s  ` +
    `p50 ${n(f.p50)} ms  p99 ${n(f.p99)} ms  p999 ${n(f.p999)} ms  CPU ${n(f.cpuUs, 0)} µs/msg  ` +
    `RSS ${n(f.rssMiB, 0)} MiB  lost ${f.lost}  duplicated ${f.duplicated}  failed sends ${f.failed}`
  );
}

/** A user of the naive baseline: its id is its room, sends go to POST /send. */
export function naiveTarget(baseUrl: string, pid: number): LoadTarget {
  return {
    name: 'baseline',
    pid,
    async users(count) {
      const run = Date.now().toString(36);
      return Array.from({ length: count }, (_, i) => ({
        id: `u${i}-${run}`,
        connect() {
          return openSocket(baseUrl, { userId: `u${i}-${run}` }, 'connect');
        },
        async send(to, body) {
          const res = await fetch(`${baseUrl}/send`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to: to.id, body }),
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`send: ${res.status}`);
        },
      }));
    },
  };
}

/** Users of Switchboard's REST API and push channel: registered, logged in and befriended in pairs. */
export function switchboardTarget(baseUrl: string, pid: number): LoadTarget {
  const api = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    name: 'switchboard',
    pid,
    async users(count) {
      const run = (Date.now() % 1e8).toString(36);
      const accounts: { id: string; token: string }[] = [];
      // a few at a time: password hashing is setup, not measured
      for (let i = 0; i < count; i += 8) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(8, count - i) }, async (_, j) => {
            const username = `b${i + j}_${run}`;
            await api('POST', '/auth/register', { username, password: 'password-123' });
            const login = await api<{ accessToken: string; user: { id: string } }>('POST', '/auth/login', {
              username,
              password: 'password-123',
            });
            return { id: login.user.id, token: login.accessToken };
          }),
        );
        accounts.push(...batch);
      }
      for (let k = 0; k + 1 < count; k += 2) {
        const [a, b] = [accounts[k], accounts[k + 1]];
        const { id } = await api<{ id: string }>('POST', '/friends/requests', { userId: b.id }, a.token);
        await api('POST', `/friends/requests/${id}/accept`, undefined, b.token);
      }
      return accounts.map((account) => ({
        id: account.id,
        connect: () => openSocket(baseUrl, { token: account.token, lastSeq: 0 }, 'connected'),
        async send(to, body, clientMsgId) {
          await api('POST', '/messages', { to: { userId: to.id }, body, clientMsgId }, account.token);
        },
      }));
    },
  };
}

function openSocket(baseUrl: string, auth: Record<string, unknown>, readyEvent: string): Promise<Socket> {
  const socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection within 30 s')), 30_000);
    socket.once(readyEvent, () => (clearTimeout(timer), resolve(socket)));
    socket.once('connect_error', (e) => (clearTimeout(timer), reject(e)));
  });
}

/** The median of each figure over several runs. */
export function medianOf(runs: LoadFigures[]): LoadFigures {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const keys = Object.keys(runs[0]) as (keyof LoadFigures)[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as LoadFigures;
}
