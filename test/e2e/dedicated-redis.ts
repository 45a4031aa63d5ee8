import { freePort } from '@app/testing';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A redis-server of one test's own on a free port of 127.0.0.1, with the append-only file fsynced on every write:
 * a SIGKILL loses nothing it acknowledged, so after a restart no seq is issued twice. The test may kill it at will.
 */
export class DedicatedRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<DedicatedRedis> {
    const redis = new DedicatedRedis(await freePort(), mkdtempSync(join(tmpdir(), 'switchboard-redis-')));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server on its port and data dir (after kill: it replays its append-only file). */
  async up(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', 'yes', '--appendfsync', 'always', '--notify-keyspace-events', 'Ex');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const until = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with ${this.child.exitCode} at start`);
      const pong = await run('redis-cli', ['-p', String(this.port), 'ping']).then(
        (r) => r.stdout.trim(),
        () => '',
      );
      if (pong === 'PONG') return;
      if (Date.now() > until) throw new Error(`redis-server on ${this.port} not answering within 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A crash: SIGKILL, then wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
