/**
 * 1:1 throughput and latency through the one-process server, measured with the SDK: from the HTTP send to the
 * recipient's push (and its ack). The server runs in its own process so its CPU time per message is measured apart
 * from the load generator's. Baseline in the same run: GET /health at the same concurrency (the HTTP floor).
 *
 *   npm run build && npm run bench:one-to-one            # MESSAGES=4000 PAIRS=20 CONCURRENCY=32 to change the load
 */
import { SwitchboardClient } from '@app/sdk';
import { WireType } from '@app/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, percentile, rssMiB, runConcurrent, startServer } from './bench-support';

const MESSAGES = Number(process.env.MESSAGES ?? 3000);
const PAIRS = Number(process.env.PAIRS ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const PORT = Number(process.env.PORT ?? 3977);

function report(name: string, count: number, wallMs: number, cpu: number, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `${name.padEnd(28)} ${String(count).padStart(6)} ops  ${f((count / wallMs) * 1000).padStart(8)} ops/s  ` +
      `p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms  ` +
      `server CPU ${f((cpu * 1000) / count)} ms/op`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const baseUrl = `http://127.0.0.1:${PORT}`;
  const server = await startServer(
    'dist/apps/standalone/src/main.js',
    {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_SEND_PER_MINUTE: '10000000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '10000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '10000000',
    },
    PORT,
  );
  const pid = server.pid!;
  try {
    const pairs: { sender: SwitchboardClient; receiver: SwitchboardClient }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const [sender, receiver] = [new SwitchboardClient({ baseUrl }), new SwitchboardClient({ baseUrl })];
      for (const [c, role] of [
        [sender, 's'],
        [receiver, 'r'],
      ] as const) {
        await c.register(`bench_${role}${i}`, 'password-123');
        await c.login(`bench_${role}${i}`, 'password-123');
      }
      const { id } = await sender.requestFriend(receiver.userId);
      await receiver.acceptFriend(id);
      await receiver.connect();
      pairs.push({ sender, receiver });
    }

    // baseline: the HTTP floor at the same concurrency
    let cpu0 = cpuSeconds(pid);
    let t0 = performance.now();
    const baseline = await runConcurrent(
      MESSAGES,
      CONCURRENCY,
      async () => void (await fetch(`${baseUrl}/health`)).arrayBuffer(),
    );
    report('baseline GET /health', MESSAGES, performance.now() - t0, cpuSeconds(pid) - cpu0, baseline);

    // 1:1 messages: latency from send to the recipient's push
    const waiting = new Map<string, (t: number) => void>();
    for (const { receiver } of pairs) {
      receiver.on('message', (m) => {
        if (m.type === WireType.FriendMessage) waiting.get(m.body!)?.(performance.now());
      });
    }
    const sendLatency: number[] = [];
    cpu0 = cpuSeconds(pid);
    t0 = performance.now();
    const delivered = await runConcurrent(MESSAGES, CONCURRENCY, async (i) => {
      const { sender, receiver } = pairs[i % PAIRS];
      const body = `bench ${i}`;
      const arrived = new Promise<number>((resolve) => waiting.set(body, resolve));
      const start = performance.now();
      await sender.sendToUser(receiver.userId, body, `b-${i}`);
      sendLatency.push(performance.now() - start);
      await arrived;
      waiting.delete(body);
    });
    const wall = performance.now() - t0;
    const cpu = cpuSeconds(pid) - cpu0;
    report('1:1 send → 201', MESSAGES, wall, cpu, sendLatency);
    report('1:1 send → pushed', MESSAGES, wall, cpu, delivered);
    const lost = pairs.reduce((n, p) => n + p.receiver.duplicatesDropped, 0);
    console.log(
      `server RSS ${rssMiB(pid).toFixed(0)} MiB, duplicates dropped by clients ${lost}, pairs ${PAIRS}, concurrency ${CONCURRENCY}, node ${process.version}`,
    );
    pairs.forEach((p) => (p.sender.disconnect(), p.receiver.disconnect()));
  } finally {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
