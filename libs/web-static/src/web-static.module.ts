import { IS_PUBLIC } from '@app/platform';
import {
  Controller,
  Get,
  Header,
  Inject,
  Logger,
  Module,
  RequestMethod,
  SetMetadata,
  type DynamicModule,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/**
 * The web app's client routes (apps/web/src/router.ts): answered with its index.html. Only these: any other path —
 * the API, docs, health, metrics, sockets, a missing file — stays the server's (a 404 is JSON, never the app).
 */
// names no API controller uses: the prefix exclusion matches a path in every controller (groups are `/g`, not `/groups`)
const CLIENT_ROUTES = ['', 'login', 'register', 'chats', 'chats/:id', 'contacts', 'g', 'g/:id', 'search'];

/** For `configureHttpApp(..., { unprefixed })`: the client routes live at the root, outside `/api/v1`. */
export const WEB_APP_ROUTES: { path: string; method: RequestMethod }[] = CLIENT_ROUTES.map((path) => ({ path, method: RequestMethod.GET }));

/** Vite names every built asset by its content hash: it never changes, so caches may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function cacheControlFor(filePath: string): string {
  return filePath.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'no-cache';
}

/** Where `npm run build` puts the web app: `dist/web` beside the compiled apps, or from the working directory. */
export function findWebDir(configured?: string): string | undefined {
  const candidates = configured ? [configured] : [join(__dirname, '..', '..', '..', 'web'), resolve('dist', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** A Node response (Express, @fastify/static) or a Fastify reply. */
type HeaderTarget = { setHeader(name: string, value: string): void } | { header(name: string, value: string): void };

function setHeader(res: HeaderTarget, name: string, value: string): void {
  if ('setHeader' in res) res.setHeader(name, value);
  else res.header(name, value);
}

const WEB_DIR = Symbol('WEB_DIR');

/** The SPA fallback: a Nest route like any other, so it behaves the same on Express and Fastify. */
@ApiExcludeController()
@Controller()
export class WebAppController {
  constructor(@Inject(WEB_DIR) private readonly dir: string) {}

  @Get(CLIENT_ROUTES)
  @SetMetadata(IS_PUBLIC, true)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  index(): Promise<string> {
    // read per request: a rebuilt app is served without a restart
    return readFile(join(this.dir, 'index.html'), 'utf8');
  }
}

/**
 * Serves the built web app at `/`: files (hashed assets long-lived, the rest revalidated) by @nestjs/serve-static,
 * the client routes by WebAppController. Add WEB_APP_ROUTES to the app's unprefixed routes.
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
      controllers: [WebAppController],
      providers: [{ provide: WEB_DIR, useValue: dir }],
      imports: [
        ServeStaticModule.forRoot({
          rootPath: dir,
          // serve-static's own fallback answers only this one path (what a static server would): the client routes are
          // WebAppController's; no `exclude`, whose error handler would turn the API's body errors into 404s
          renderPath: '/index.html',
          serveStaticOptions: {
            index: false,
            fallthrough: true,
            setHeaders: (res: HeaderTarget, path: string) => setHeader(res, 'Cache-Control', cacheControlFor(path)),
          },
        }),
      ],
    };
  }
}
