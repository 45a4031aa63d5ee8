import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningStandalone, startStandalone } from './standalone-harness';

/** The web app at `/`: cache headers, the SPA fallback for client routes only, the server's own paths untouched. */
describe('web app served by the one-process server', () => {
  let server: RunningStandalone;
  let webDir: string;
  const get = (path: string) => fetch(`${server.baseUrl}${path}`);

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'sb-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><div id="app">the app</div>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    server = await startStandalone({ WEB_DIR: webDir });
  });

  afterAll(async () => {
    await server?.destroy();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / and at client routes, revalidated on every load', async () => {
    for (const path of ['/', '/login', '/chats', '/chats/d:a:b', '/contacts', '/g', '/g/123', '/search']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('the app');
    }
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing file with a 404, not the app', async () => {
    for (const path of ['/assets/gone-123.js', '/favicon.ico', '/robots.txt']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).not.toContain('the app');
    }
  });

  it('leaves the API, docs, health and metrics to the server', async () => {
    // the client routes sit outside the API prefix; the API's own routes stay inside it
    expect((await get('/api/v1/groups')).status).toBe(401);
    expect((await get('/groups')).status).toBe(404);
    const missing = await get('/api/v1/no-such-route');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
    expect((await get('/health')).headers.get('content-type')).toContain('application/json');
    expect((await get('/docs-json')).headers.get('content-type')).toContain('application/json');
    expect(await (await get('/metrics')).text()).not.toContain('the app');
    expect(await (await get('/docs')).text()).not.toContain('the app');
    const socket = await get('/socket.io/?EIO=4&transport=polling');
    expect(await socket.text()).not.toContain('the app');
  });
});
