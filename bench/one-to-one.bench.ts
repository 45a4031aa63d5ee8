/**
 * 1:1 throughput, latency and server CPU per delivered message: the naive baseline (socket.io + redis-adapter, HTTP
 * send → emit to the user's room, no auth, storage or acks) and Switchboard's one-process server, driven in the same
 * run by the same stock socket.io-client load: USERS users in friend pairs, all connected, MESSAGES sends over HTTP
 * with CONCURRENCY in flight (a send is in flight until its recipient's push), every push acknowledged. Latency is
 * send → recipient's push; CPU is each server process's own, over the measured phase only (registration, password
 * hashing and the WARMUP sends excluded). RUNS > 1 repeats both and prints the medians.
 *
 *   npm run build && npm run bench:one-to-one      # USERS=200 MESSAGES=20000 CONCURRENCY=64 WARMUP=2000 RUNS=3
 */
import { ChildProcess } from 'node:child_process';
import { startServer, startStandalone } from './bench-support';
import { figuresLine, LoadFigures, medianOf, naiveTarget, runLoad, switchboardTarget } from './stock-client-load';

const USERS = Number(process.env.USERS ?? 200);
const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const WARMUP = Number(process.env.WARMUP ?? 2000);
const RUNS = Number(process.env.RUNS ?? 1);
const PORT = Number(process.env.PORT ?? 3977);
const BASELINE_PORT = Number(process.env.BASELINE_PORT ?? 3979);

const load = { users: USERS, total: MESSAGES, concurrency: CONCURRENCY, warmup: WARMUP };

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function baselineRun(): Promise<LoadFigures> {
  const child = await startServer(
    'bench/naive-baseline.server.ts',
    { PORT: String(BASELINE_PORT), NODE_OPTIONS: '-r ts-node/register/transpile-only' },
    BASELINE_PORT,
  );
  try {
    return await runLoad(naiveTarget(`http://127.0.0.1:${BASELINE_PORT}`, child.pid!), load);
  } finally {
    await stopChild(child);
  }
}

async function switchboardRun(): Promise<LoadFigures> {
  const { server, baseUrl, stop } = await startStandalone(PORT);
  try {
    return await runLoad(switchboardTarget(baseUrl, server.pid!), load);
  } finally {
    await stop();
  }
}

function ratioLine(s: LoadFigures, b: LoadFigures): string {
  const r = (x: number, y: number) => (x / y).toFixed(2);
  return (
    `ratio switchboard/baseline: CPU per message ${r(s.cpuUs, b.cpuUs)}×, msg/s ${r(s.msgPerSecond, b.msgPerSecond)}×, ` +
    `p99 ${r(s.p99, b.p99)}×, p999 ${r(s.p999, b.p999)}×`
  );
}

async function main(): Promise<void> {
  console.log(
    `users ${USERS}, messages ${MESSAGES} (+${WARMUP} warm-up), ${CONCURRENCY} in flight, runs ${RUNS}, node ${process.version}`,
  );
  const baselines: LoadFigures[] = [];
  const switchboards: LoadFigures[] = [];
  for (let run = 1; run <= RUNS; run++) {
    baselines.push(await baselineRun());
    switchboards.push(await switchboardRun());
    console.log(`run ${run}`);
    console.log(`  ${figuresLine('baseline', baselines[run - 1])}`);
    console.log(`  ${figuresLine('switchboard', switchboards[run - 1])}`);
    console.log(`  ${ratioLine(switchboards[run - 1], baselines[run - 1])}`);
  }
  if (RUNS > 1) {
    const [b, s] = [medianOf(baselines), medianOf(switchboards)];
    console.log(`median of ${RUNS} runs`);
    console.log(`  ${figuresLine('baseline', b)}`);
    console.log(`  ${figuresLine('switchboard', s)}`);
    console.log(`  ${ratioLine(s, b)}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
