/**
 * What the split costs doing nothing (issue 11: an idle cluster should cost ≤ 50 ms of CPU per second in all): the
 * whole split (gateway, two push nodes, message-dispatch, storage-worker) on its engines, no client, a warm-up, then
 * CPU per second over a window, per app and per engine, and the busiest threads of each JVM (by thread name), which is
 * what tells a broker or Elasticsearch setting worth changing from one that is not.
 *
 *   npm run infra:up && npm run build && npm run bench:split-idle     # WARMUP_S=20 IDLE_S=30 ROUNDS=3
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SplitCluster } from '../test/e2e/split-cluster';
import { clusterCpuMeter, cpuBreakdown, enginePids, totalOf } from './bench-support';

const WARMUP_S = Number(process.env.WARMUP_S ?? 20);
const IDLE_S = Number(process.env.IDLE_S ?? 30);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TOP_THREADS = Number(process.env.TOP_THREADS ?? 6);

const TICKS_PER_S = 100;

/** utime + stime of each thread of `pid`, in clock ticks, by thread id. */
function threadTicks(pid: number): Map<string, { name: string; ticks: number }> {
  const threads = new Map<string, { name: string; ticks: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // the name is in parentheses and may hold spaces; the fields after it are fixed
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** The busiest threads of the JVMs over the window, summed by name (pools share a name up to a counter). */
function busiestThreads(before: Map<number, Map<string, { name: string; ticks: number }>>, seconds: number): string[] {
  const lines: string[] = [];
  for (const [pid, start] of before) {
    const byName = new Map<string, number>();
    for (const [tid, now] of threadTicks(pid)) {
      const used = now.ticks - (start.get(tid)?.ticks ?? 0);
      const name = now.name.replace(/[-_#]?\d+$/, '');
      byName.set(name, (byName.get(name) ?? 0) + used);
    }
    const top = [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_THREADS)
      .map(([name, ticks]) => `${name} ${((ticks * 1000) / TICKS_PER_S / seconds).toFixed(1)}`);
    lines.push(`  pid ${pid}: ${top.join(', ')}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const cluster = await SplitCluster.start();
  try {
    const meter = clusterCpuMeter(cluster);
    const engines = enginePids();
    const jvms = [...engines.rocketmq, ...engines.elasticsearch];
    console.log(`split started; ${WARMUP_S} s warm-up, then ${ROUNDS} × ${IDLE_S} s idle`);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    const totals: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const snapshot = meter.start();
      const threads = new Map(jvms.map((pid) => [pid, threadTicks(pid)]));
      await new Promise((r) => setTimeout(r, IDLE_S * 1000));
      const used = meter.since(snapshot);
      const total = (totalOf(used) * 1000) / IDLE_S;
      totals.push(total);
      console.log(`round ${round}: idle cluster CPU ${total.toFixed(0)} ms/s (${cpuBreakdown(used, IDLE_S)})`);
      console.log(`  busiest JVM threads, ms/s:\n${busiestThreads(threads, IDLE_S).join('\n')}`);
    }
    const sorted = [...totals].sort((a, b) => a - b);
    console.log(
      `median idle cluster CPU ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms/s over ${ROUNDS} rounds`,
    );
  } finally {
    await cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
