import { SwitchboardConfig } from '@app/config';
import {
  Clock,
  CLOCK,
  DomainError,
  ErrorCode,
  newTimeOrderedId,
  TOKEN_REVOCATION_STORE,
  TokenRevocationStore,
} from '@app/core';
import { DEVICE_PLATFORMS, DevicePlatform } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { AccessTokenClaims, AuthenticatedUser, RefreshGrant, RefreshTokenClaims } from './authenticated-user';

/** Verified tokens remembered (by their text): a client presents the same token on every request. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Issues, verifies and revokes short-lived access tokens and the longer-lived refresh tokens issued with them (HS256,
 * secret from config). The two kinds never pass for each other: refresh tokens carry `typ: refresh` and no node.
 */
@Injectable()
export class TokenService {
  /** Signature and claims already checked; expiry and revocation are still checked on every use. */
  private readonly verified = new LRUCache<string, AuthenticatedUser>({ max: VERIFIED_CACHE_SIZE });

  constructor(
    private readonly jwt: JwtService,
    @Inject(TOKEN_REVOCATION_STORE) private readonly revocations: TokenRevocationStore,
    private readonly config: SwitchboardConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A refresh token bound to the access token `accessTokenId`; its lifetime is REFRESH_TTL_SECONDS. */
  async issueRefresh(
    user: { id: string; username: string },
    accessTokenId: string,
    platform: DevicePlatform,
  ): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = this.config.REFRESH_TTL_SECONDS;
    const token = await this.jwt.signAsync(
      {
        typ: 'refresh',
        sub: user.id,
        usr: user.username,
        jti: newTimeOrderedId(),
        at: accessTokenId,
        plt: platform,
        iat: this.nowSeconds(),
      },
      { expiresIn },
    );
    return { token, expiresIn };
  }

  /** Verifies a refresh token's signature, kind and expiry (not whether it was spent: that is the caller's claim). */
  async verifyRefresh(token: string): Promise<RefreshGrant> {
    let claims: RefreshTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<RefreshTokenClaims>(token, {
        algorithms: ['HS256'],
        clockTimestamp: this.nowSeconds(),
      });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError')
        throw new DomainError(ErrorCode.RefreshTokenExpired, 'refresh token expired, log in again');
      throw new DomainError(ErrorCode.RefreshTokenInvalid, 'refresh token is invalid');
    }
    if (claims.typ !== 'refresh' || !claims.sub || !claims.jti || !claims.at)
      throw new DomainError(ErrorCode.RefreshTokenInvalid, 'refresh token is invalid');
    return {
      userId: claims.sub,
      username: claims.usr,
      tokenId: claims.jti,
      accessTokenId: claims.at,
      platform: this.platformOf(claims.plt),
      expiresAt: claims.exp,
    };
  }

  /** Whether a token id (access token) was revoked: logout, or replaced by a newer login. */
  isRevoked(tokenId: string): Promise<boolean> {
    return this.revocations.isRevoked(tokenId);
  }

  async issue(
    user: { id: string; username: string },
    nodeId: string,
    platform: DevicePlatform = 'other',
  ): Promise<{ token: string; expiresIn: number; claims: AuthenticatedUser }> {
    const issuedAt = this.nowSeconds();
    const token = await this.jwt.signAsync({
      sub: user.id,
      usr: user.username,
      node: nodeId,
      jti: newTimeOrderedId(),
      plt: platform,
      iat: issuedAt,
    });
    const claims = this.toUser(this.jwt.decode<AccessTokenClaims>(token));
    // from the token's own iat: read the clock again and a second boundary crossed while signing made it 899 of 900
    return { token, expiresIn: claims.expiresAt - issuedAt, claims };
  }

  /** Verifies signature, expiry and revocation. */
  async verify(token: string): Promise<AuthenticatedUser> {
    const known = this.verified.get(token);
    if (known && known.expiresAt * 1000 > this.clock.now()) return this.unlessRevoked(known);
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
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: ['HS256'],
        clockTimestamp: this.nowSeconds(),
      });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new DomainError(
        ErrorCode.Unauthenticated,
        expired ? 'access token expired, log in again' : 'access token is invalid',
      );
    }
    if (!claims.sub || !claims.jti || !claims.node || (claims as { typ?: unknown }).typ !== undefined)
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

  /** JWT time (iat, exp) on the injected clock, like every other expiry. */
  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private toUser(claims: AccessTokenClaims): AuthenticatedUser {
    return {
      userId: claims.sub,
      username: claims.usr,
      nodeId: claims.node,
      tokenId: claims.jti,
      platform: this.platformOf(claims.plt),
      expiresAt: claims.exp,
    };
  }

  private platformOf(plt: DevicePlatform | undefined): DevicePlatform {
    return plt && (DEVICE_PLATFORMS as readonly string[]).includes(plt) ? plt : 'other';
  }
}
