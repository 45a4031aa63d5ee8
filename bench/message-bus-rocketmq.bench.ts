/**
 * bench:bus — the RocketMQ message bus alone, without the apps around it: what the broker (proxy + broker in one JVM,
 * plus namesrv) and this client spend per message when dispatch's publishes and the storage-worker's two consumer
 * groups run through the real adapter. Same batching as the split (publishes of one turn in one RPC, receives of up to
 * 32 with the worker's linger, one AckMessage per batch), handlers that store nothing. It isolates broker settings
 * from the noise of the whole split: run it before and after a change to scripts/infra/up.sh.
 *
 *   npm run infra:up && npm run bench:bus
 *
 * Knobs (env): MESSAGES per round (20000), WARMUP messages before measuring (5000; 60000 for a steady-state broker),
 * CONCURRENCY publishes in flight (64), ROUNDS (3), BODY_BYTES per message body (100).
 */
import { BusSubscription, ConsumerGroup, MessageEnvelope, newTimeOrderedId } from '@app/core';
import { WireType } from '@app/protocol';
import { RocketMqMessageBus } from '@app/rocketmq';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@app/testing';
import { cpuSeconds, CpuMeter, enginePids, idleCpuLine, runConcurrent } from './bench-support';

const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const WARMUP = Number(process.env.WARMUP ?? 5_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BODY = 'x'.repeat(Number(process.env.BODY_BYTES ?? 100));

function envelope(): MessageEnvelope {
  const messageId = newTimeOrderedId();
  return {
    message: {
      type: WireType.FriendMessage,
      messageId,
      conversationId: 'd:bench-a:bench-b',
      senderId: 'bench-a',
      receiverId: 'bench-b',
      body: BODY,
      createdAt: new Date().toISOString(),
    },
    recipients: [
      { userId: 'bench-b', seq: 1 },
      { userId: 'bench-a', seq: 1 },
    ],
    storeInHistory: true,
  };
}

// a topic and groups of its own, created for the run and deleted after it: on the app's topic, every group of the app
// and of the test suites would have to wade through the bench's messages
const TOPIC = `switchboard-bench-${process.pid}`;
const GROUP_PREFIX = TOPIC;
const groups = [ConsumerGroup.History, ConsumerGroup.Offline];

function topic(action: 'create' | 'delete'): void {
  const script = join(__dirname, '..', 'scripts/infra/topic.sh');
  execFileSync('bash', [script, action, TOPIC, ...groups.map((g) => `${GROUP_PREFIX}-${g}`)], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  topic('create');
  try {
    await measure();
  } finally {
    topic('delete');
  }
}

async function measure(): Promise<void> {
  const bus = new RocketMqMessageBus({
    endpoints: process.env.ROCKETMQ_ENDPOINTS ?? '127.0.0.1:8081',
    topic: TOPIC,
    groupPrefix: GROUP_PREFIX,
    invisibleDurationMs: 30_000,
    receiveLingerMs: 50,
  });
  await bus.start();
  const ours = new Set<string>();
  const seen = { [ConsumerGroup.History]: 0, [ConsumerGroup.Offline]: 0 };
  const subscriptions: BusSubscription[] = [];
  for (const group of groups) {
    const subscription = await bus.subscribe(group, async (batch) => {
      for (const e of batch) if (ours.delete(`${group}:${e.message.messageId}`)) seen[group]++;
    });
    subscriptions.push(subscription);
  }
  const meter = new CpuMeter(() => ({ rocketmq: enginePids().rocketmq }));

  const pass = async (count: number) => {
    for (const g of groups) seen[g] = 0;
    const envelopes = Array.from({ length: count }, envelope);
    for (const e of envelopes) for (const g of groups) ours.add(`${g}:${e.message.messageId}`);
    const started = Date.now();
    await runConcurrent(count, CONCURRENCY, (i) => bus.publish(envelopes[i]));
    const published = Date.now();
    await waitFor(() => groups.every((g) => seen[g] === count), 300_000, 'both groups');
    // the last batch's ack is sent after its handler returns
    await new Promise((r) => setTimeout(r, 1000));
    return { publishMs: published - started, totalMs: Date.now() - started };
  };

  console.log(`messages ${MESSAGES} (+${WARMUP} warm-up), ${CONCURRENCY} publishes in flight, rounds ${ROUNDS}`);
  await pass(WARMUP);
  console.log(await idleCpuLine(meter));
  for (let round = 1; round <= ROUNDS; round++) {
    const snapshot = meter.start();
    const clientBefore = cpuSeconds(process.pid);
    const { publishMs, totalMs } = await pass(MESSAGES);
    const used = meter.since(snapshot);
    const perMsg = (s: number) => ((s * 1e6) / MESSAGES).toFixed(0);
    console.log(
      `round ${round}: published ${((MESSAGES / publishMs) * 1000).toFixed(0)} msg/s, consumed by both groups in ${totalMs} ms;` +
        ` CPU µs/msg rocketmq ${perMsg(used.rocketmq)}, client ${perMsg(cpuSeconds(process.pid) - clientBefore)}`,
    );
  }
  // receives stop before the topic is deleted under them
  await Promise.all(subscriptions.map((subscription) => subscription.close()));
  await bus.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
