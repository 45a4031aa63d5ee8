import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** Paths the server answers itself: never the web app's index.html, whatever the platform (Express or Fastify). */
export const SERVER_PATHS = [
  '/api/{*path}',
  '/docs',
  '/docs/{*path}',
  '/docs-json',
  '/health',
  '/metrics',
  '/socket.io/{*path}',
  '/ws',
  '/ws/{*path}',
  '/internal/{*path}',
  // a missing file (a last segment with an extension, or under assets/) is a 404, not the app's index.html
  '/assets/{*path}',
  '/{*path}.:ext',
];

/** Vite names every built asset by its content hash: it never changes, so caches may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function cacheControlFor(filePath: string): string {
  return filePath.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'no-cache';
}

/** A Node response (Express, @fastify/static) or a Fastify reply (Fastify's index.html fallback). */
type HeaderTarget = { setHeader(name: string, value: string): void } | { header(name: string, value: string): void };

function setHeader(res: HeaderTarget, name: string, value: string): void {
  if ('setHeader' in res) res.setHeader(name, value);
  else res.header(name, value);
}

/** Where `npm run build` puts the web app: `dist/web` beside the compiled apps, or from the working directory. */
export function findWebDir(configured?: string): string | undefined {
  const candidates = configured ? [configured] : [join(__dirname, '..', '..', '..', 'web'), resolve('dist', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Serves the built web app at `/`: hashed assets long-lived, index.html revalidated, client routes answered with
 * index.html (SPA fallback) while the API, docs, health, metrics and socket paths stay the server's.
 */
@Module({})
export class WebStaticModule {
  static forRoot(options: { dir?: string } = {}): DynamicModule {
    const dir = findWebDir(options.dir);
    if (!dir) {
      new Logger('WebStaticModule').warn(
        options.dir ? `WEB_DIR ${options.dir} holds no index.html: no web app at /` : 'web app not built: no web app at /',
      );
      return { module: WebStaticModule };
    }
    return {
      module: WebStaticModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: dir,
          exclude: SERVER_PATHS,
          serveStaticOptions: {
            index: false,
            // Fastify's loader answers client routes only with this set (Express falls through by default)
            fallthrough: true,
            setHeaders: (res: HeaderTarget, path: string) => setHeader(res, 'Cache-Control', cacheControlFor(path)),
          },
        }),
      ],
    };
  }
}
