import { SwitchboardConfig } from '@app/config';
import { DynamicModule, ExecutionContext, Injectable, InjectionToken, Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import { RATE_LIMIT_BUCKET, RateLimitBucket } from './public.decorator';

const MINUTE = 60_000;

/**
 * Per-user rate limits: the `default` bucket on every route, `send` and `login` only where a route names them.
 * Authenticated callers are counted by user id (the auth guard runs first); others by address. Logins count twice,
 * separately: per address (`login`: rotating usernames from one address is limited) and per username
 * (`login-username`: one username tried from many addresses is limited).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET, [
      request.context.getHandler(),
      request.context.getClass(),
    ]);
    const name = request.throttler.name;
    if (name !== 'default' && name !== bucket && !(bucket === 'login' && name === 'login-username')) return true;
    return super.handleRequest(request);
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

/** Rate limits counted in this process (one-process server), or in a shared store so that every gateway shares them. */
@Module({})
export class RateLimitModule {
  /**
   * `storageToken`: the injection token of a ThrottlerStorage every instance shares (RATE_LIMIT_STORAGE of
   * @app/redis); counters then live there rather than in this process.
   */
  static forRoot(options: { storageToken?: InjectionToken } = {}): DynamicModule {
    const inject: InjectionToken[] = [SwitchboardConfig];
    if (options.storageToken) inject.push(options.storageToken);
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject,
          useFactory: (config: SwitchboardConfig, storage?: ThrottlerStorage) => ({
            throttlers: [
              { name: 'default', ttl: MINUTE, limit: config.RATE_LIMIT_DEFAULT_PER_MINUTE },
              { name: 'send', ttl: MINUTE, limit: config.RATE_LIMIT_SEND_PER_MINUTE },
              { name: 'login', ttl: MINUTE, limit: config.RATE_LIMIT_LOGIN_PER_MINUTE },
              {
                name: 'login-username',
                ttl: MINUTE,
                limit: config.RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE,
                getTracker: usernameOf,
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
              },
            ],
            ...(storage && { storage }),
          }),
        }),
      ],
      exports: [ThrottlerModule],
    };
  }
}
