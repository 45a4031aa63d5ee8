import { SwitchboardConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/core';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The admin API's own authentication: `Authorization: Bearer <ADMIN_TOKEN>` (the routes are @Public() for the user
 * auth guard). Without ADMIN_TOKEN the admin API is switched off and answers 404, as an unknown route would: there is
 * no credential that could succeed, and a 401/403 would advertise an API that cannot be used. With it set, a missing
 * token is 401 and a wrong one 403. The comparison is constant-time (over digests, so lengths do not leak).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: SwitchboardConfig) {
    if (config.ADMIN_TOKEN) this.expected = digest(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.expected) throw new DomainError(ErrorCode.NotFound, `Cannot ${req.method} ${req.originalUrl ?? req.url}`);
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw new DomainError(ErrorCode.Unauthenticated, 'missing admin bearer token in the Authorization header');
    if (!timingSafeEqual(digest(token), this.expected)) throw new DomainError(ErrorCode.Forbidden, 'wrong admin token');
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
