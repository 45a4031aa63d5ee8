import { DomainError, ErrorCode, newTimeOrderedId, TOKEN_REVOCATION_STORE, TokenRevocationStore } from '@app/core';
import { DEVICE_PLATFORMS, DevicePlatform } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { AccessTokenClaims, AuthenticatedUser } from './authenticated-user';

/** Verified tokens remembered (by their text): a client presents the same token on every request. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Issues, verifies and revokes short-lived access tokens (HS256, secret from config). */
@Injectable()
export class TokenService {
  /** Signature and claims already checked; expiry and revocation are still checked on every use. */
  private readonly verified = new LRUCache<string, AuthenticatedUser>({ max: VERIFIED_CACHE_SIZE });

  constructor(
    private readonly jwt: JwtService,
    @Inject(TOKEN_REVOCATION_STORE) private readonly revocations: TokenRevocationStore,
  ) {}

  async issue(
    user: { id: string; username: string },
    nodeId: string,
    platform: DevicePlatform = 'other',
  ): Promise<{ token: string; expiresIn: number; claims: AuthenticatedUser }> {
    const token = await this.jwt.signAsync({
      sub: user.id,
      usr: user.username,
      node: nodeId,
      jti: newTimeOrderedId(),
      plt: platform,
    });
    const claims = this.toUser(this.jwt.decode<AccessTokenClaims>(token));
    return { token, expiresIn: claims.expiresAt - Math.floor(Date.now() / 1000), claims };
  }

  /** Verifies signature, expiry and revocation. */
  async verify(token: string): Promise<AuthenticatedUser> {
    const known = this.verified.get(token);
    if (known && known.expiresAt * 1000 > Date.now()) return this.unlessRevoked(known);
    return this.unlessRevoked(await this.verifySignature(token));
  }

  private async unlessRevoked(user: AuthenticatedUser): Promise<AuthenticatedUser> {
    if (await this.revocations.isRevoked(user.tokenId))
      throw new DomainError(ErrorCode.TokenRevoked, 'access token was revoked, log in again');
    return user;
  }

  private async verifySignature(token: string): Promise<AuthenticatedUser> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new DomainError(
        ErrorCode.Unauthenticated,
        expired ? 'access token expired, log in again' : 'access token is invalid',
      );
    }
    if (!claims.sub || !claims.jti || !claims.node)
      throw new DomainError(ErrorCode.Unauthenticated, 'access token is invalid');
    const user = this.toUser(claims);
    this.verified.set(token, user);
    return user;
  }

  revoke(user: AuthenticatedUser): Promise<void> {
    return this.revokeId(user.tokenId, user.expiresAt * 1000);
  }

  /** Revokes a token known only by its id; `expiresAt` in epoch ms. */
  revokeId(tokenId: string, expiresAt: number): Promise<void> {
    return this.revocations.revoke(tokenId, expiresAt);
  }

  private toUser(claims: AccessTokenClaims): AuthenticatedUser {
    return {
      userId: claims.sub,
      username: claims.usr,
      nodeId: claims.node,
      tokenId: claims.jti,
      platform: claims.plt && (DEVICE_PLATFORMS as readonly string[]).includes(claims.plt) ? claims.plt : 'other',
      expiresAt: claims.exp,
    };
  }
}
