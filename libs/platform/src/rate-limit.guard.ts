import { SwitchboardConfig } from '@app/config';
import { ExecutionContext, Injectable, Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, ThrottlerRequest } from '@nestjs/throttler';
import { RATE_LIMIT_BUCKET, RateLimitBucket } from './public.decorator';

const MINUTE = 60_000;

/**
 * Per-user rate limits: the `default` bucket on every route, `send` and `login` only where a route names them.
 * Authenticated callers are counted by user id (the auth guard runs first); others by address, and logins by address
 * and username so one attacker cannot lock everyone out.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET, [
      request.context.getHandler(),
      request.context.getClass(),
    ]);
    if (request.throttler.name !== 'default' && request.throttler.name !== bucket) return true;
    return super.handleRequest(request);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as { userId?: string } | undefined;
    if (user?.userId) return `user:${user.userId}`;
    const body = req.body as { username?: unknown } | undefined;
    const name = typeof body?.username === 'string' ? body.username.toLowerCase().slice(0, 64) : '';
    return `ip:${String(req.ip)}:${name}`;
  }

  protected override getRequestResponse(context: ExecutionContext) {
    const http = context.switchToHttp();
    return { req: http.getRequest(), res: http.getResponse() };
  }
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SwitchboardConfig],
      useFactory: (config: SwitchboardConfig) => ({
        throttlers: [
          { name: 'default', ttl: MINUTE, limit: config.RATE_LIMIT_DEFAULT_PER_MINUTE },
          { name: 'send', ttl: MINUTE, limit: config.RATE_LIMIT_SEND_PER_MINUTE },
          { name: 'login', ttl: MINUTE, limit: config.RATE_LIMIT_LOGIN_PER_MINUTE },
        ],
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
