import { WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { cpuBreakdown, percentile, runConcurrent, totalOf } from './bench-support';

export interface Pair {
  sender: SwitchboardClient;
  receiver: SwitchboardClient;
}

/** `count` sender/receiver pairs of friends, receivers connected to their push node. */
export async function setUpPairs(baseUrl: string, count: number, prefix: string): Promise<Pair[]> {
  const pairs: Pair[] = [];
  const run = Date.now() % 1_000_000;
  for (let i = 0; i < count; i++) {
    const [sender, receiver] = [new SwitchboardClient({ baseUrl }), new SwitchboardClient({ baseUrl })];
    for (const [client, role] of [
      [sender, 's'],
      [receiver, 'r'],
    ] as const) {
      const name = `${prefix}${role}${i}_${run}`;
      await client.register(name, 'password-123');
      await client.login(name, 'password-123');
    }
    const { id } = await sender.requestFriend(receiver.userId);
    await receiver.acceptFriend(id);
    await receiver.connect();
    pairs.push({ sender, receiver });
  }
  return pairs;
}

/**
 * The baseline of a send: the cheapest authenticated API call (GET /users/me: token check, revocation lookup, one user
 * read), `total` times round-robin over the senders, with the same concurrency. Returns latencies in ms.
 */
export function authenticatedFloor(pairs: Pair[], total: number, concurrency: number): Promise<number[]> {
  return runConcurrent(total, concurrency, async (i) => void (await pairs[i % pairs.length].sender.me()));
}

/**
 * Sends `total` messages round-robin over the pairs, each sender waiting for its push before the next send; returns
 * send→201 and send→push latencies in ms (the push may arrive before the 201: each is timed on its own).
 */
export async function sendAndAwaitPush(
  pairs: Pair[],
  total: number,
  concurrency: number,
  run = 'bench',
): Promise<{ accepted: number[]; pushed: number[] }> {
  const waiting = new Map<string, (at: number) => void>();
  for (const { receiver } of pairs) {
    receiver.on('message', (m) => {
      if (m.type === WireType.FriendMessage) waiting.get(m.body!)?.(performance.now());
    });
  }
  const accepted: number[] = [];
  const pushed: number[] = [];
  await runConcurrent(total, concurrency, async (i) => {
    const { sender, receiver } = pairs[i % pairs.length];
    const body = `${run} ${i}`;
    const arrived = new Promise<number>((resolve) => waiting.set(body, resolve));
    const start = performance.now();
    await sender.sendToUser(receiver.userId, body, `${run}-${i}`);
    accepted.push(performance.now() - start);
    pushed.push((await arrived) - start);
    waiting.delete(body);
  });
  return { accepted, pushed };
}

/** One result line: throughput, latency percentiles and server CPU per operation (split by process group). */
export function report(
  name: string,
  count: number,
  wallMs: number,
  cpuSeconds: Record<string, number>,
  latencies: number[],
): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  const total = totalOf(cpuSeconds);
  const parts = Object.keys(cpuSeconds).length > 1 ? ` (${cpuBreakdown(cpuSeconds, count)})` : '';
  console.log(
    `${name.padEnd(24)} ${String(count).padStart(6)} ops ${f((count / wallMs) * 1000).padStart(8)} ops/s  ` +
      `p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms  ` +
      `server CPU ${f((total * 1000) / count)} ms/op${parts}`,
  );
}

export function closePairs(pairs: Pair[]): void {
  pairs.forEach((p) => (p.sender.disconnect(), p.receiver.disconnect()));
}
