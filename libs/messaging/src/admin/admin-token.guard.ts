import { SwitchboardConfig } from '@app/config';
import { bearerToken, DomainError, ErrorCode, SharedSecret } from '@app/core';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The admin API's own authentication: `Authorization: Bearer <ADMIN_TOKEN>` (the routes are @Public() for the user
 * auth guard). Without ADMIN_TOKEN the admin API is switched off and answers 404, as an unknown route would: there is
 * no credential that could succeed, and a 401/403 would advertise an API that cannot be used. With it set, a missing
 * token is 401 and a wrong one 403. The comparison is constant-time (over digests, so lengths do not leak).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: SharedSecret;

  constructor(config: SwitchboardConfig) {
    if (config.ADMIN_TOKEN) this.expected = new SharedSecret(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.expected) throw new DomainError(ErrorCode.NotFound, `Cannot ${req.method} ${req.originalUrl ?? req.url}`);
    const token = bearerToken(req.headers.authorization);
    if (!token)
      throw new DomainError(ErrorCode.Unauthenticated, 'missing admin bearer token in the Authorization header');
    if (!this.expected.matches(token)) throw new DomainError(ErrorCode.Forbidden, 'wrong admin token');
    return true;
  }
}
