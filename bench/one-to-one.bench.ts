/**
 * 1:1 throughput and latency through the one-process server, measured with the SDK: from the HTTP send to the
 * recipient's push (and its ack). The server runs in its own process so its CPU time per message is measured apart
 * from the load generator's. Baseline in the same run: GET /users/me at the same concurrency (the floor of an
 * authenticated call).
 *
 *   npm run build && npm run bench:one-to-one            # MESSAGES=4000 PAIRS=20 CONCURRENCY=32 to change the load
 */
import { cpuSeconds, rssMiB, startStandalone } from './bench-support';
import { authenticatedFloor, closePairs, report, sendAndAwaitPush, setUpPairs } from './one-to-one-load';

const MESSAGES = Number(process.env.MESSAGES ?? 3000);
const PAIRS = Number(process.env.PAIRS ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
/** Unmeasured sends first: the JVMs' JIT and the apps' caches warm up (cold engines ran 30 % slower here). */
const WARMUP = Number(process.env.WARMUP ?? 1000);
const PORT = Number(process.env.PORT ?? 3977);

async function main(): Promise<void> {
  const { server, baseUrl, stop } = await startStandalone(PORT);
  const pid = server.pid!;
  try {
    const pairs = await setUpPairs(baseUrl, PAIRS, 'bench');
    await sendAndAwaitPush(pairs, WARMUP, CONCURRENCY, 'warmup');
    let cpu0 = cpuSeconds(pid);
    let t0 = performance.now();
    const baseline = await authenticatedFloor(pairs, MESSAGES, CONCURRENCY);
    report('baseline GET /users/me', MESSAGES, performance.now() - t0, { server: cpuSeconds(pid) - cpu0 }, baseline);

    cpu0 = cpuSeconds(pid);
    t0 = performance.now();
    const { accepted, pushed } = await sendAndAwaitPush(pairs, MESSAGES, CONCURRENCY);
    const wall = performance.now() - t0;
    const used = { server: cpuSeconds(pid) - cpu0 };
    report('1:1 send → 201', MESSAGES, wall, used, accepted);
    report('1:1 send → pushed', MESSAGES, wall, used, pushed);
    console.log(
      `server RSS ${rssMiB(pid).toFixed(0)} MiB, pairs ${PAIRS}, concurrency ${CONCURRENCY}, duplicates dropped ${pairs.reduce((n, p) => n + p.receiver.duplicatesDropped, 0)}, node ${process.version}`,
    );
    closePairs(pairs);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
