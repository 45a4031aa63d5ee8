import { freePort, isPortFree } from '@app/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** A broker port whose neighbours are free too: the broker also opens port − 2 and port + 1. */
async function brokerPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 1024 && port < 65534 && (await isPortFree(port - 2)) && (await isPortFree(port + 1))) return port;
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
    const [namesrv, proxy, remoting, broker] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await brokerPort(),
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
    const pid = Number(readFileSync(join(this.env.SWITCHBOARD_INFRA_STATE, 'run/proxy.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    const until = Date.now() + 15_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
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
