import { SwitchboardConfig } from '@app/config';
import { DynamicModule, ExecutionContext, Injectable, InjectionToken, Module } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModule,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { RATE_LIMIT_BUCKET, RateLimitBucket } from './public.decorator';
import { MemoryRateLimitStorage } from './rate-limit-storage.memory';
import { routeMetadata } from './route-metadata.reflector';

const MINUTE = 60_000;

/**
 * Per-user rate limits: the `default` bucket on every route, `send` and `login` only where a route names them.
 * Authenticated callers are counted by user id (the auth guard runs first); others by address. Logins count twice,
 * separately: per address (`login`: rotating usernames from one address is limited) and per username
 * (`login-username`: one username tried from many addresses is limited).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    // the library's route settings, 15 per request, each read once per route (see RouteMetadataReflector)
    super(options, storage, routeMetadata);
  }

  /** The counts a send's buckets started, while the library walks them (see `handleRequest`). */
  private readonly counting = new WeakMap<ExecutionContext, Promise<boolean>[]>();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (bucketOf(context) !== 'send') return super.canActivate(context);
    const counts: Promise<boolean>[] = [];
    this.counting.set(context, counts);
    try {
      const allowed = await super.canActivate(context);
      // a refusal by either bucket is the answer
      return (await Promise.all(counts)).every(Boolean) && allowed;
    } finally {
      this.counting.delete(context);
    }
  }

  /**
   * A send's two buckets (`default`, `send`) are counted together. The library awaits each count before it starts the
   * next, and with the shared store (the split) each count is a Redis call: two round trips one after the other on
   * the hot path. Started in the same turn, the calls go to Redis in one write (auto-pipelining). A send refused by
   * `default` is then counted in `send` too, which only holds a client that is over its limits anyway. Logins keep
   * the library's order: a login refused per address must not count against the username, or one address could
   * lock any account out.
   */
  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const counted = super.handleRequest(request);
    const counts = this.counting.get(request.context);
    if (!counts) return counted;
    // observed by canActivate's Promise.all; this only keeps a refusal from being reported as unhandled meanwhile
    counted.catch(() => undefined);
    counts.push(counted);
    return Promise.resolve(true);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as { userId?: string } | undefined;
    if (user?.userId) return `user:${user.userId}`;
    return `ip:${String(req.ip)}`;
  }

  /**
   * The counter's key as it is, where the library hashes it with sha256 on every request and bucket: its parts are
   * short (names, a user id or address, a username cut to 64 characters) and every store takes any string.
   */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${name}-${tracker}`;
  }

  protected override getRequestResponse(context: ExecutionContext) {
    const http = context.switchToHttp();
    return { req: http.getRequest(), res: http.getResponse() };
  }
}

/** The named bucket a route is under (`@RateLimit`), if any. */
function bucketOf(context: ExecutionContext): RateLimitBucket | undefined {
  return routeMetadata.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET, [
    context.getHandler(),
    context.getClass(),
  ]);
}

/** A named bucket's `skipIf`: it counts only on the routes under it, and is skipped before its settings are read. */
const onlyOn =
  (bucket: RateLimitBucket) =>
  (context: ExecutionContext): boolean =>
    bucketOf(context) !== bucket;

/** Typing indicators are limited per user and conversation (the route's `:id`), not per user. */
function typingTrackerOf(req: Record<string, unknown>): string {
  const user = req.user as { userId?: string } | undefined;
  const params = req.params as { id?: unknown } | undefined;
  return `typing:${user?.userId ?? String(req.ip)}:${String(params?.id ?? '')}`;
}

/** The username a login or register names, whoever sends it (case-folded: usernames are case-insensitive). */
function usernameOf(req: Record<string, unknown>): string {
  const body = req.body as { username?: unknown } | undefined;
  return `username:${typeof body?.username === 'string' ? body.username.toLowerCase().slice(0, 64) : ''}`;
}

/** This process's own counters, as a provider so that their sweep timer stops with the app. */
@Module({
  providers: [{ provide: MemoryRateLimitStorage, useFactory: () => new MemoryRateLimitStorage() }],
  exports: [MemoryRateLimitStorage],
})
class MemoryRateLimitStorageModule {}

/** Rate limits counted in this process (one-process server), or in a shared store so that every gateway shares them. */
@Module({})
export class RateLimitModule {
  /**
   * `storageToken`: the injection token of a ThrottlerStorage every instance shares (RATE_LIMIT_STORAGE of
   * @app/redis); counters then live there rather than in this process. Without it, this process's own fixed-window
   * counters (MemoryRateLimitStorage), which count as the Redis store does.
   */
  static forRoot(options: { storageToken?: InjectionToken } = {}): DynamicModule {
    const storageToken = options.storageToken ?? MemoryRateLimitStorage;
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          imports: options.storageToken ? [] : [MemoryRateLimitStorageModule],
          inject: [SwitchboardConfig, storageToken],
          useFactory: (config: SwitchboardConfig, storage: ThrottlerStorage) => ({
            throttlers: [
              { name: 'default', ttl: MINUTE, limit: config.RATE_LIMIT_DEFAULT_PER_MINUTE },
              { name: 'send', ttl: MINUTE, limit: config.RATE_LIMIT_SEND_PER_MINUTE, skipIf: onlyOn('send') },
              { name: 'login', ttl: MINUTE, limit: config.RATE_LIMIT_LOGIN_PER_MINUTE, skipIf: onlyOn('login') },
              {
                name: 'login-username',
                ttl: MINUTE,
                limit: config.RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE,
                getTracker: usernameOf,
                skipIf: onlyOn('login'),
              },
              // one typing indicator per interval per conversation, in the store every gateway shares
              // blockDuration 1 ms: a fixed window; the default (block for the ttl again on every refused hit) would
              // keep a client that types every 900 ms, or retries fast, refused for as long as it goes on
              {
                name: 'typing',
                ttl: config.RATE_LIMIT_TYPING_INTERVAL_MS,
                limit: 1,
                blockDuration: 1,
                getTracker: typingTrackerOf,
                skipIf: onlyOn('typing'),
              },
            ],
            storage,
          }),
        }),
      ],
      exports: [ThrottlerModule],
    };
  }
}
