import { IS_PUBLIC } from '@app/platform';
import {
  Controller,
  Get,
  Header,
  Inject,
  Logger,
  Module,
  OnModuleInit,
  RequestMethod,
  SetMetadata,
  type DynamicModule,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
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
export const WEB_APP_ROUTES: { path: string; method: RequestMethod }[] = CLIENT_ROUTES.map((path) => ({
  path,
  method: RequestMethod.GET,
}));

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

const WEB_DIR = Symbol('WEB_DIR');

/** The SPA fallback: a Nest route like any other (guards, prefix exclusion, errors). */
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
 * The built files at `/` through @fastify/static: hashed assets long-lived, the rest revalidated. Looked up per request
 * (`wildcard`), so a rebuilt app's new files are served without a restart; a missing one goes to the not-found handler
 * (the API's JSON 404, never the app).
 */
class WebFiles implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(WEB_DIR) private readonly dir: string,
  ) {}

  onModuleInit(): void {
    void this.adapter.httpAdapter.getInstance<FastifyInstance>().register(fastifyStatic, {
      root: this.dir,
      prefix: '/',
      wildcard: true,
      index: false,
      // Swagger's assets are served by another instance of the plugin
      decorateReply: false,
      // ours, not send's `public, max-age=0`
      cacheControl: false,
      setHeaders: (reply: FastifyReply, path: string) => void reply.header('Cache-Control', cacheControlFor(path)),
    });
  }
}

/**
 * Serves the built web app at `/`: files by WebFiles, the client routes by WebAppController. Add WEB_APP_ROUTES to
 * the app's unprefixed routes.
 */
@Module({})
export class WebStaticModule {
  static forRoot(options: { dir?: string } = {}): DynamicModule {
    const dir = findWebDir(options.dir);
    if (!dir) {
      new Logger('WebStaticModule').warn(
        options.dir
          ? `WEB_DIR ${options.dir} holds no index.html: no web app at /`
          : 'web app not built: no web app at /',
      );
      return { module: WebStaticModule };
    }
    return {
      module: WebStaticModule,
      controllers: [WebAppController],
      providers: [{ provide: WEB_DIR, useValue: dir }, WebFiles],
    };
  }
}
