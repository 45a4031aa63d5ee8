import { TcpFaultProxy } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { DedicatedRedis } from '../../test/e2e/dedicated-redis';
import { DedicatedRocketMq } from '../../test/e2e/dedicated-rocketmq';
import { AppName, SplitCluster } from '../../test/e2e/split-cluster';
import { ChaosClient } from './chaos-client';

export interface ChaosTargets {
  cluster: SplitCluster;
  redis: DedicatedRedis;
  rocketmq: DedicatedRocketMq;
  elasticsearch: TcpFaultProxy;
}

interface Fault {
  name: string;
  /** Breaks the thing, waits `down` ms, mends it; resolves once it is back. */
  inject(down: number): Promise<void>;
}

function faults(t: ChaosTargets): Fault[] {
  const app = (name: AppName): Fault => ({
    name: `SIGKILL ${name}`,
    async inject(down) {
      await t.cluster.stopApp(name, 'SIGKILL');
      await sleep(down);
      await t.cluster.startApp(name);
    },
  });
  return [
    app('gateway'),
    app('netty-node-1'),
    app('message-dispatch'),
    {
      name: 'SIGKILL redis',
      async inject(down) {
        await t.redis.kill();
        await sleep(down);
        await t.redis.up();
      },
    },
    app('gateway-2'),
    app('storage-worker'),
    app('netty-node-2'),
    {
      name: 'cut elasticsearch',
      async inject(down) {
        await t.elasticsearch.cut();
        await sleep(down * 3);
        await t.elasticsearch.restore();
      },
    },
    // the broker last: its JVM takes minutes to come back on a busy box, and sends stall meanwhile
    {
      name: 'kill rocketmq broker',
      async inject(down) {
        await t.rocketmq.kill();
        await sleep(down);
        // a JVM on a busy box may outlast one start's bound: start again (it starts only what is not running)
        for (let attempt = 1; ; attempt++) {
          try {
            await t.rocketmq.up();
            return;
          } catch (error) {
            if (attempt >= 3) throw error;
            console.log(`[chaos] broker not back yet (attempt ${attempt}): starting it again`);
          }
        }
      },
    },
  ];
}

export interface FaultLoop {
  /** Resolves when the loop has stopped and the fault under way is mended. */
  done: Promise<void>;
  /** Full rounds (every fault once) completed. */
  readonly rounds: number;
  /** What happened when (ms since start). */
  readonly timeline: string[];
  stop(): void;
}

/**
 * Injects every fault in turn, one at a time (each mended and followed by `settle` ms before the next), round after
 * round until stopped, while a second loop drops `dropShare` of the clients every 2 s for 1–5 s each.
 */
export function startFaults(options: {
  targets: ChaosTargets;
  clients: ChaosClient[];
  downMs: number;
  settleMs: number;
  dropShare: number;
  t0: number;
  /** No fault starts after this time (the one under way is still mended). */
  until: number;
}): FaultLoop {
  const timeline: string[] = [];
  const mark = (what: string) => {
    const line = `${((Date.now() - options.t0) / 1000).toFixed(1)} s: ${what}`;
    timeline.push(line);
    console.log(`[chaos] ${line}`);
  };
  let stopped = false;
  let rounds = 0;
  const list = faults(options.targets);
  const faultLoop = (async () => {
    while (!stopped) {
      for (const fault of list) {
        if (stopped || Date.now() > options.until) break;
        mark(`${fault.name}`);
        const started = Date.now();
        await fault.inject(options.downMs);
        mark(`${fault.name}: back after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        await sleep(options.settleMs);
      }
      if (stopped || Date.now() > options.until) break;
      rounds++;
    }
  })();
  let drops = 0;
  const dropLoop = (async () => {
    const { clients } = options;
    const pending: Promise<void>[] = [];
    while (!stopped) {
      const n = Math.max(1, Math.round(clients.length * options.dropShare));
      for (let i = 0; i < n; i++) {
        drops++;
        pending.push(clients[Math.floor(Math.random() * clients.length)].drop(1000 + Math.random() * 4000));
      }
      await sleep(2000);
    }
    await Promise.all(pending);
    mark(`${drops} client drops in all`);
  })();
  return {
    done: Promise.all([faultLoop, dropLoop]).then(() => undefined),
    get rounds() {
      return rounds;
    },
    timeline,
    stop: () => (stopped = true),
  };
}
