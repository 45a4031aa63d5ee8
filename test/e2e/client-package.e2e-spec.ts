import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunningStandalone, startStandalone } from './standalone-harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

/** What a project outside this repository does with the SDK: install the packed tarball, then log in, send, receive. */
const SCRIPT = (importLine: string) => `${importLine}
const baseUrl = process.env.BASE_URL;
const tag = Math.random().toString(36).slice(2, 8);
(async () => {
  const alice = new SwitchboardClient({ baseUrl });
  const bob = new SwitchboardClient({ baseUrl });
  await alice.register('pa' + tag, 'password-123');
  await bob.register('pb' + tag, 'password-123');
  await alice.login('pa' + tag, 'password-123');
  await bob.login('pb' + tag, 'password-123');
  const { id } = await alice.requestFriend(bob.userId);
  await bob.acceptFriend(id);
  const received = new Promise((resolve) => bob.on('message', (m) => m.type === WireType.FriendMessage && resolve(m)));
  await bob.connect();
  const sent = await alice.sendToUser(bob.userId, 'hello from a packed SDK');
  const m = await received;
  console.log(JSON.stringify({ body: m.body, sameId: m.messageId === sent.messageId, state: bob.state }));
  alice.disconnect();
  bob.disconnect();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

describe('the @switchboard/client tarball in a fresh project', () => {
  let server: RunningStandalone;
  let project: string;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'switchboard-sdk-user-'));
    // prepack builds the package, so the tarball holds what the source says now
    const packed = await run('npm', ['pack', '--workspace', '@switchboard/client', '--pack-destination', project], {
      cwd: ROOT,
    });
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack made no tarball: ${packed.stdout}`);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-user', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', `./${tarball}`], { cwd: project });
    server = await startStandalone();
  }, 240_000);

  afterAll(async () => {
    await server?.destroy();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it.each([
    ['ES modules (import)', 'esm.mjs', "import { SwitchboardClient, WireType } from '@switchboard/client';"],
    ['CommonJS (require)', 'cjs.cjs', "const { SwitchboardClient, WireType } = require('@switchboard/client');"],
  ])(
    'works from plain Node with %s: log in, connect, send, receive',
    async (_name, file, importLine) => {
      writeFileSync(join(project, file), SCRIPT(importLine));
      const { stdout } = await run('node', [file], { cwd: project, env: { ...process.env, BASE_URL: server.baseUrl } });
      expect(JSON.parse(stdout.trim())).toEqual({ body: 'hello from a packed SDK', sameId: true, state: 'connected' });
    },
    60_000,
  );

  it('ships ES modules, CommonJS and declarations, with no repository path alias left in them', () => {
    const dist = join(project, 'node_modules/@switchboard/client/dist');
    const files = readdirSync(dist);
    expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.js', 'index.d.mts', 'index.d.ts']));
    for (const f of files.filter((name) => !name.endsWith('.map')))
      expect(readFileSync(join(dist, f), 'utf8')).not.toMatch(/['"]@app\/|(from |require\()['"]node:/);
    const manifest = JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: '@switchboard/client', dependencies: expect.any(Object) });
    expect(Object.keys(manifest.dependencies as object).sort()).toEqual(['eventemitter3', 'socket.io-client']);
  });
});
