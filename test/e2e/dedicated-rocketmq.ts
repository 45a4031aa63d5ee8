import { isPortFree } from '@app/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * A free port below the kernel's ephemeral range (32768+), so that neither an outgoing connection nor a listener on
 * port 0 can take it between this check and the broker's bind, or while the broker is down between a kill and its
 * restart on the same ports.
 */
async function quietPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await isPortFree(port))) return port;
  }
}

/** A broker port whose neighbours are free too: the broker also opens port − 2 and port + 1. */
async function brokerPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await quietPort(taken);
    if ((await isPortFree(port - 2)) && (await isPortFree(port + 1))) return port;
  }
}

/**
 * A RocketMQ name server and proxy (broker in process) of one test's own, started by scripts/infra/up.sh on free
 * ports with a state dir of its own, so the test can SIGKILL the broker without touching the shared one.
 */
export class DedicatedRocketMq {
  private constructor(
    private readonly env: Record<string, string>,
    readonly namesrvPort: number,
    readonly proxyPort: number,
  ) {}

  static async start(): Promise<DedicatedRocketMq> {
    const taken = new Set<number>();
    const pick = async (port: Promise<number>) => {
      const p = await port;
      [p - 2, p, p + 1].forEach((n) => taken.add(n));
      return p;
    };
    const broker = await pick(brokerPort(taken));
    const [namesrv, proxy, remoting] = [
      await pick(quietPort(taken)),
      await pick(quietPort(taken)),
      await pick(quietPort(taken)),
    ];
    const env = {
      SWITCHBOARD_INFRA_STATE: mkdtempSync(join(tmpdir(), 'switchboard-rmq-')),
      ROCKETMQ_NAMESRV_PORT: String(namesrv),
      ROCKETMQ_PROXY_PORT: String(proxy),
      ROCKETMQ_PROXY_REMOTING_PORT: String(remoting),
      ROCKETMQ_BROKER_PORT: String(broker),
    };
    const rocketmq = new DedicatedRocketMq(env, namesrv, proxy);
    await rocketmq.up();
    return rocketmq;
  }

  get endpoints(): string {
    return `127.0.0.1:${this.proxyPort}`;
  }

  /** A crash of the broker (and its proxy): SIGKILL, then wait until the process is gone. */
  async kill(): Promise<void> {
    const pid = this.brokerPid();
    process.kill(pid, 'SIGKILL');
    const until = Date.now() + 15_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }

  /** The timer slack of each thread of the broker's JVM, in ns (what scripts/infra/up.sh set at launch). */
  brokerTimerSlacksNs(): number[] {
    const slacks: number[] = [];
    for (const tid of readdirSync(`/proc/${this.brokerPid()}/task`)) {
      try {
        slacks.push(Number(readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8')));
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return slacks;
  }

  private brokerPid(): number {
    return Number(readFileSync(join(this.env.SWITCHBOARD_INFRA_STATE, 'run/proxy.pid'), 'utf8').trim());
  }

  /** Starts what is not running (after kill: the proxy and broker, on the same store). */
  up(): Promise<unknown> {
    return this.script('up.sh');
  }

  async stop(): Promise<void> {
    await this.script('down.sh').catch(() => undefined);
    rmSync(this.env.SWITCHBOARD_INFRA_STATE, { recursive: true, force: true });
  }

  private script(name: 'up.sh' | 'down.sh'): Promise<unknown> {
    return run('bash', [join(ROOT, 'scripts/infra', name), '--only', 'rocketmq'], {
      env: { ...process.env, ...this.env, STOP_TIMEOUT: '5' },
      timeout: 180_000,
    });
  }
}

/** A zombie (killed, not yet reaped by whatever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
