/**
 * 1:1 throughput and latency on the split (gateway, two push nodes, dispatch, storage-worker as processes on
 * PostgreSQL, Redis, RocketMQ and Elasticsearch): HTTP send → 201, and send → push to the recipient. Server CPU per
 * message counts every server process, engines included, apart from the load generator. Baseline in the same run:
 * GET /users/me on the gateway at the same concurrency (token check, revocation lookup in Redis, one PostgreSQL read).
 *
 *   npm run infra:up && npm run build && npm run bench:split     # MESSAGES=2000 PAIRS=20 CONCURRENCY=32
 */
import { SplitCluster } from '../test/e2e/split-cluster';
import { clusterCpuMeter, idleCpuLine, rssMiB } from './bench-support';
import { authenticatedFloor, closePairs, report, sendAndAwaitPush, setUpPairs } from './one-to-one-load';

const MESSAGES = Number(process.env.MESSAGES ?? 2000);
const PAIRS = Number(process.env.PAIRS ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
/** Unmeasured sends first: the JVMs' JIT and the apps' caches warm up (cold engines ran 30 % slower here). */
const WARMUP = Number(process.env.WARMUP ?? 1000);

async function main(): Promise<void> {
  const cluster = await SplitCluster.start();
  try {
    const meter = clusterCpuMeter(cluster);
    const pairs = await setUpPairs(cluster.gatewayUrl, PAIRS, 'bsplit');
    await sendAndAwaitPush(pairs, WARMUP, CONCURRENCY, 'warmup');

    console.log(await idleCpuLine(meter));
    let cpu = meter.start();
    let t0 = performance.now();
    const baseline = await authenticatedFloor(pairs, MESSAGES, CONCURRENCY);
    report('baseline GET /users/me', MESSAGES, performance.now() - t0, meter.since(cpu), baseline);

    cpu = meter.start();
    t0 = performance.now();
    const { accepted, pushed } = await sendAndAwaitPush(pairs, MESSAGES, CONCURRENCY);
    const wall = performance.now() - t0;
    const used = meter.since(cpu);
    report('1:1 send → 201', MESSAGES, wall, used, accepted);
    report('1:1 send → pushed', MESSAGES, wall, used, pushed);
    const rss = [...cluster.processes].map(([name, p]) => `${name} ${rssMiB(p.pid!).toFixed(0)}`).join(', ');
    console.log(
      `RSS MiB: ${rss}; pairs ${PAIRS}, concurrency ${CONCURRENCY}, duplicates dropped ${pairs.reduce((n, p) => n + p.receiver.duplicatesDropped, 0)}`,
    );
    closePairs(pairs);
  } finally {
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
