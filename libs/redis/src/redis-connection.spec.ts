import { freePort } from '@app/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/**
 * What the socket.io Redis adapter and emitter do: PUBLISH (or UNSUBSCRIBE) and drop the promise. Against a Redis that is away, the
 * queued publish fails when the client closes, and an unhandled rejection ends a Node process. Each case runs in a
 * process of its own, as an app would, and reports how it ended.
 */
describe('handleDroppedCommands', () => {
  async function droppedPublish(handled: boolean): Promise<{ code: number; output: string }> {
    const script = `
      const { createRedisClient, handleDroppedCommands } = require('./libs/redis/src/redis-connection.ts');
      require('@nestjs/common').Logger.overrideLogger(false);
      const plain = createRedisClient('redis://127.0.0.1:${await freePort()}', 'dropped-publish');
      const redis = ${handled} ? handleDroppedCommands(plain) : plain;
      void redis.publish('channel', 'dropped');
      void redis.punsubscribe('channel*'); // as the adapter does when it closes
      const awaited = redis.publish('channel', 'awaited').then(
        () => console.log('awaited: published'),
        (error) => console.log('awaited: ' + error.message),
      );
      redis.disconnect();
      awaited.then(() => setTimeout(() => console.log('still running'), 200));
    `;
    const child = run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: ROOT,
      timeout: 60_000,
    });
    try {
      const { stdout, stderr } = await child;
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  it('without it, a dropped publish to an unreachable Redis ends the process', async () => {
    const { code, output } = await droppedPublish(false);
    expect(code).not.toBe(0);
    expect(output).toMatch(/Connection is closed/);
    expect(output).not.toMatch(/still running/);
  }, 90_000);

  it('with it, the process lives on, and a caller that awaits a publish still sees it fail', async () => {
    const { code, output } = await droppedPublish(true);
    expect(output).toMatch(/awaited: Connection is closed/);
    expect(output).toMatch(/still running/);
    expect(code).toBe(0);
  }, 90_000);
});
