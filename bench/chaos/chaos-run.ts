import { TcpFaultProxy } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DedicatedRedis } from '../../test/e2e/dedicated-redis';
import { DedicatedRocketMq } from '../../test/e2e/dedicated-rocketmq';
import { SplitCluster } from '../../test/e2e/split-cluster';
import { checkChaos, ChaosCounts, formatCounts, MUST_BE_ZERO } from './chaos-checker';
import { ChaosClient } from './chaos-client';
import { ChaosConfig } from './chaos-config';
import { FaultLoop, startFaults } from './chaos-faults';
import { setUpPopulation } from './chaos-population';
import { awaitDeliveries, dumpHistory } from './chaos-settle';
import { startTraffic } from './chaos-traffic';

export interface ChaosReport {
  counts: ChaosCounts;
  details: string[];
  /** Names of the counts that must be 0 and are not. */
  failing: string[];
  timeline: string[];
  faultRounds: number;
  seconds: { setUp: number; traffic: number; total: number };
}

const log = (what: string) => console.log(`[chaos] ${what}`);

/**
 * One chaos run: the split (two gateways, two push nodes, dispatch, storage-worker) on engines of its own (a
 * redis-server with AOF, a RocketMQ broker, Elasticsearch behind a relay, a PostgreSQL database), `clients` SDK users
 * sending 1:1 and group messages while every app, Redis and the broker are killed in turn and Elasticsearch is cut;
 * then the checker's counts. Rejects if the run passes `deadlineSeconds` (everything is stopped first).
 */
export async function runChaos(config: ChaosConfig): Promise<ChaosReport> {
  const t0 = Date.now();
  const deadline = t0 + config.deadlineSeconds * 1000;
  rmSync(config.outDir, { recursive: true, force: true });
  mkdirSync(config.outDir, { recursive: true });
  writeFileSync(join(config.outDir, 'config.json'), JSON.stringify(config, null, 2));
  log(`config ${JSON.stringify(config)}`);

  const started: { stop(): Promise<unknown> }[] = [];
  let clients: ChaosClient[] = [];
  let faults: FaultLoop | undefined;
  let stopTraffic = () => {};
  const cleanUp = async () => {
    stopTraffic();
    faults?.stop();
    await Promise.all(clients.map((c) => c.close()));
    for (const s of started.reverse()) await s.stop().catch((e) => log(`clean-up: ${String(e)}`));
  };
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`chaos run passed its ${config.deadlineSeconds} s deadline`)), deadline - Date.now());
  });

  const work = async (): Promise<ChaosReport> => {
    const esUrl = new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
    const [redis, rocketmq, elasticsearch] = await Promise.all([
      DedicatedRedis.start(),
      DedicatedRocketMq.start(),
      TcpFaultProxy.start({ host: esUrl.hostname, port: Number(esUrl.port || 9200) }),
    ]);
    started.push(redis, rocketmq, elasticsearch);
    log(`engines up: redis ${redis.url} (AOF always), rocketmq ${rocketmq.endpoints}, elasticsearch via ${elasticsearch.address}`);
    const cluster = await SplitCluster.start({
      redisUrl: redis.url,
      gateways: 2,
      via: { elasticsearch: elasticsearch.address },
      rocketmq: { endpoints: rocketmq.endpoints, namesrvPort: rocketmq.namesrvPort },
      env: { PUBLISH_TIMEOUT_MS: '2000' },
      logsDir: join(config.outDir, 'apps'),
    });
    started.push(cluster);
    log(`split up at ${((Date.now() - t0) / 1000).toFixed(0)} s; registering ${config.clients} users`);

    const run = randomBytes(4).toString('hex');
    const setUp = await setUpPopulation({
      run,
      clients: config.clients,
      groupSize: config.groupSize,
      gateways: [cluster.gatewayUrl, cluster.secondGatewayUrl],
      outDir: config.outDir,
    });
    clients = setUp.clients;
    const trafficAt = Date.now();
    log(`${clients.length} users, ${setUp.population.pairs.length} pairs, ${setUp.population.groups.length} groups; traffic starts`);

    const trafficEnd = trafficAt + config.trafficSeconds * 1000;
    // sends paced to fill half the traffic time (outages stall them); a failing send retries until 120 s before the
    // deadline, which leaves the time to deliver, read history and stop
    const traffic = startTraffic({
      clients,
      population: setUp.population,
      messages: config.messages,
      seconds: config.trafficSeconds * 0.5,
      groupShare: config.groupShare,
      sendDeadline: () => deadline - 120_000,
    });
    stopTraffic = () => traffic.stop();
    faults = config.faults
      ? startFaults({
          targets: { cluster, redis, rocketmq, elasticsearch },
          clients,
          downMs: config.downSeconds * 1000,
          settleMs: 3000,
          dropShare: config.dropShare,
          t0,
          until: trafficEnd,
        })
      : undefined;
    for (let lastPrint = 0; Date.now() < trafficEnd; await sleep(1000)) {
      if (traffic.exhausted && (!faults || faults.rounds >= 1)) break;
      if (Date.now() - lastPrint > 10_000) {
        const answered = clients.reduce((n, c) => n + c.sent.length, 0);
        log(`${traffic.issued} sends handed out, ${answered} answered, ${faults?.rounds ?? 0} fault rounds done`);
        lastPrint = Date.now();
      }
    }
    traffic.stop();
    faults?.stop();
    log('traffic stops; mending the fault under way');
    await faults?.done;
    await traffic.done;
    const trafficSeconds = (Date.now() - trafficAt) / 1000;
    log(`traffic over after ${trafficSeconds.toFixed(0)} s; waiting for deliveries and history`);
    await awaitDeliveries(clients, setUp.population, deadline - 70_000);
    await dumpHistory(clients, setUp.population, join(config.outDir, 'history.jsonl'), deadline - 35_000);
    const refusals = new Map<string, number>();
    for (const c of clients) for (const [k, v] of c.refusals) refusals.set(k, (refusals.get(k) ?? 0) + v);
    log(`refused tries by cause: ${JSON.stringify(Object.fromEntries(refusals))}`);
    await cleanUp();
    // after the graceful stop of every app: a crash on the way out counts too
    const crashes = [...cluster.crashes];
    clients = [];
    started.length = 0;

    const { counts, details } = checkChaos(config.outDir);
    counts.crashedApps = crashes.length;
    for (const c of crashes) details.push(`crashed: ${c.name} exited by itself (code ${c.code}, signal ${c.signal})`);
    const report: ChaosReport = {
      counts,
      details,
      failing: MUST_BE_ZERO.filter((k) => counts[k] !== 0),
      timeline: faults?.timeline ?? [],
      faultRounds: faults?.rounds ?? 0,
      seconds: {
        setUp: Math.round((trafficAt - t0) / 1000),
        traffic: Math.round(trafficSeconds),
        total: Math.round((Date.now() - t0) / 1000),
      },
    };
    writeFileSync(join(config.outDir, 'report.json'), JSON.stringify(report, null, 2));
    return report;
  };

  try {
    return await Promise.race([work(), overdue]);
  } finally {
    clearTimeout(timer);
    await cleanUp();
  }
}

export function printReport(report: ChaosReport): void {
  console.log(`\nchaos counts (set-up ${report.seconds.setUp} s, traffic ${report.seconds.traffic} s, total ${report.seconds.total} s, ${report.faultRounds} full fault rounds):`);
  console.log(formatCounts(report.counts));
  if (report.details.length) console.log(`\nexamples:\n  ${report.details.join('\n  ')}`);
  console.log(report.failing.length ? `\nFAILED: ${report.failing.join(', ')} not 0` : '\nOK: the delivery contract held');
}
