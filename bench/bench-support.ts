import { ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // fields[11], fields[12] are utime and stime (14th and 15th of the full line) in clock ticks
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cpuSecondsOrZero(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0; // gone
  }
}

/**
 * Server CPU by group of processes (apps, each engine) over a window. The processes are looked up again at the end
 * of the window, so one that started inside it (a PostgreSQL backend for a new pool connection) counts too.
 */
export class CpuMeter {
  constructor(private readonly groups: () => Record<string, number[]>) {}

  start(): Map<number, number> {
    const snapshot = new Map<number, number>();
    for (const pids of Object.values(this.groups())) for (const pid of pids) snapshot.set(pid, cpuSecondsOrZero(pid));
    return snapshot;
  }

  /** CPU seconds per group since `start`. */
  since(snapshot: Map<number, number>): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.groups()).map(([group, pids]) => [
        group,
        pids.reduce((sum, pid) => sum + cpuSecondsOrZero(pid) - (snapshot.get(pid) ?? 0), 0),
      ]),
    );
  }
}

/** The sum of a CPU breakdown. */
export function totalOf(used: Record<string, number>): number {
  return Object.values(used).reduce((a, b) => a + b, 0);
}

/** The engines' processes on this machine: Elasticsearch and RocketMQ (scripts/infra pid files), Redis, PostgreSQL. */
export function enginePids(): Record<string, number[]> {
  // scripts/infra/lib.sh's layout: pid files under the state dir, which defaults to the cache dir
  const home = process.env.SWITCHBOARD_INFRA_HOME ?? join(homedir(), '.cache/switchboard-infra');
  const run = join(process.env.SWITCHBOARD_INFRA_STATE ?? home, 'run');
  const pidFile = (f: string) => (existsSync(join(run, f)) ? [Number(readFileSync(join(run, f), 'utf8').trim())] : []);
  const pgrep = (name: string) => {
    try {
      return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return {
    elasticsearch: pidFile('elasticsearch/es.pid'),
    rocketmq: [...pidFile('namesrv.pid'), ...pidFile('proxy.pid')],
    redis: pgrep('redis-server'),
    postgres: pgrep('postgres'),
  };
}

export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function startServer(script: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  // SWITCHBOARD_CPU_PROFILE_DIR=<dir>: the server writes a V8 CPU profile there when it stops (as the split's apps do)
  const profileDir = process.env.SWITCHBOARD_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      /* not yet */
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`server did not start (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `task` `total` times with `concurrency` in flight; returns each duration in ms. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        durations.push(performance.now() - t0);
      }
    }),
  );
  return durations;
}

/**
 * The one-process server (`npm run build` first) on 127.0.0.1:`port` with a throw-away data dir and no rate limits
 * (the load is the point); `stop()` ends it and deletes the data.
 */
export async function startStandalone(
  port: number,
  env: Record<string, string> = {},
): Promise<{ server: ChildProcess; baseUrl: string; dataDir: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const unlimited = '10000000';
  const server = await startServer(
    // STANDALONE_MAIN: another build of the server (to compare two versions of the code)
    process.env.STANDALONE_MAIN ?? 'dist/apps/standalone/src/main.js',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_SEND_PER_MINUTE: unlimited,
      RATE_LIMIT_DEFAULT_PER_MINUTE: unlimited,
      RATE_LIMIT_LOGIN_PER_MINUTE: unlimited,
      RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE: unlimited,
      PASSWORD_HASH_QUEUE_MAX: unlimited,
      // every bench client connects from 127.0.0.1
      PUSH_MAX_CONNECTIONS_PER_ADDRESS: unlimited,
      ...env,
    },
    port,
  );
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A CpuMeter over each app of a split cluster apart (the push nodes together), then each engine. */
export function clusterCpuMeter(cluster: { processes: Map<string, ChildProcess> }): CpuMeter {
  return new CpuMeter(() => {
    const apps: Record<string, number[]> = {};
    for (const [name, child] of cluster.processes) (apps[name.replace(/-\d$/, '')] ??= []).push(child.pid!);
    return { ...apps, ...enginePids() };
  });
}

/** `group a.b, group c.d` in ms per unit, for a CPU breakdown. */
export function cpuBreakdown(used: Record<string, number>, units: number): string {
  return Object.entries(used)
    .map(([group, seconds]) => `${group} ${((seconds * 1000) / units).toFixed(1)}`)
    .join(', ');
}

/**
 * What the cluster burns doing nothing for `ms` (JVM housekeeping, long polls, heartbeats): printed beside the
 * per-message figures, which include this background for the length of their window.
 */
export async function idleCpuLine(meter: CpuMeter, ms = 5000): Promise<string> {
  const snapshot = meter.start();
  await new Promise((r) => setTimeout(r, ms));
  const used = meter.since(snapshot);
  return `idle cluster CPU ${((totalOf(used) * 1000) / (ms / 1000)).toFixed(0)} ms/s (${cpuBreakdown(used, ms / 1000)})`;
}
