/**
 * A login storm against the one-process server (issue #10, 'Login abuse'): LOGINS correct-password logins with
 * IN_FLIGHT at once from one address, while /health is polled every POLL_MS. Runs in one invocation: the bounded hash
 * queue (PASSWORD_HASH_QUEUE_MAX, default 32: the rest are refused at once with 503 AUTH_BUSY) at the default hash
 * concurrency, at 1 and at 2, and the queue unbounded (every login waits for argon2). Prints, for each: /health latency idle and during the storm
 * (p50/p99/max), logins answered by status, the storm's duration and the server's peak RSS. The address and username
 * rate limits are off here, so the storm reaches the hash queue: the queue is what is measured.
 *
 *   npm run build && npm run bench:login-storm      # LOGINS=400 IN_FLIGHT=200 POLL_MS=50 PORT=3979 to change it
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, rssMiB, startStandalone } from './bench-support';

const LOGINS = Number(process.env.LOGINS ?? 400);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 200);
const POLL_MS = Number(process.env.POLL_MS ?? 50);
const PORT = Number(process.env.PORT ?? 3979);

interface StormResult {
  idle: number[];
  during: number[];
  statuses: Map<number | string, number>;
  seconds: number;
  peakRssMiB: number;
}

/** /health latencies (ms) sampled until `stop` is set. */
function pollHealth(baseUrl: string, stop: { done: boolean }): Promise<number[]> {
  return (async () => {
    const samples: number[] = [];
    while (!stop.done) {
      const t0 = performance.now();
      await fetch(`${baseUrl}/health`).then((r) => r.arrayBuffer());
      samples.push(performance.now() - t0);
      await sleep(POLL_MS);
    }
    return samples;
  })();
}

async function storm(env: Record<string, string>): Promise<StormResult> {
  const { server, baseUrl, stop } = await startStandalone(PORT, env);
  try {
    const credentials = { username: `storm${process.pid}`, password: 'password-123' };
    const post = (path: string) =>
      fetch(`${baseUrl}/api/v1/auth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
    const registered = await post('register');
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);

    const idleStop = { done: false };
    const idlePoll = pollHealth(baseUrl, idleStop);
    await sleep(3000);
    idleStop.done = true;
    const idle = await idlePoll;

    const statuses = new Map<number | string, number>();
    const count = (key: number | string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    let peakRssMiB = rssMiB(server.pid!);
    const rssTimer = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, rssMiB(server.pid!))), 250);
    const stormStop = { done: false };
    const poll = pollHealth(baseUrl, stormStop);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < LOGINS) {
          next++;
          try {
            const res = await post('login');
            await res.arrayBuffer();
            count(res.status);
          } catch (error) {
            count((error as Error).name);
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    stormStop.done = true;
    clearInterval(rssTimer);
    return { idle, during: await poll, statuses, seconds, peakRssMiB };
  } finally {
    await stop();
  }
}

const line = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (p: number) => percentile(sorted, p).toFixed(1);
  return `p50 ${f(50)} ms, p99 ${f(99)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (${sorted.length} probes)`;
};

async function main(): Promise<void> {
  console.log(`login storm: ${LOGINS} logins, ${IN_FLIGHT} in flight, /health every ${POLL_MS} ms`);
  const configurations: [string, Record<string, string>][] = [
    ['bounded hash queue (default settings)', { PASSWORD_HASH_QUEUE_MAX: '32' }],
    [
      'bounded hash queue, PASSWORD_HASH_CONCURRENCY=1',
      { PASSWORD_HASH_QUEUE_MAX: '32', PASSWORD_HASH_CONCURRENCY: '1' },
    ],
    [
      'bounded hash queue, PASSWORD_HASH_CONCURRENCY=2',
      { PASSWORD_HASH_QUEUE_MAX: '32', PASSWORD_HASH_CONCURRENCY: '2' },
    ],
    ['unbounded hash queue (default concurrency)', { PASSWORD_HASH_QUEUE_MAX: '10000000' }],
  ];
  for (const [label, env] of configurations) {
    const r = await storm(env);
    const answered = [...r.statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`\n${label}`);
    console.log(`  /health idle:         ${line(r.idle)}`);
    console.log(`  /health during storm: ${line(r.during)}`);
    console.log(
      `  logins answered:      ${answered} in ${r.seconds.toFixed(1)} s; server peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
