import { bearerToken, DomainError, ErrorCode } from '@app/core';
import { IS_PUBLIC, routeMetadata } from '@app/platform';
import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthenticatedUser, TokenService } from '@app/tokens';
import { KnownUsers } from './known-users';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly knownUsers: KnownUsers,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = routeMetadata.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      throw new DomainError(ErrorCode.Unauthenticated, 'missing bearer token in the Authorization header');
    }
    const user = await this.tokens.verify(token);
    await this.knownUsers.assertExists(user.userId);
    req.user = user;
    return true;
  }
}

/** The verified caller of an authenticated route. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  return context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user;
});
