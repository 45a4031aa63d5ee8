import { SwitchboardConfig } from '@app/config';
import { CLOCK, Clock, DomainError, ErrorCode, SEND_DEDUP_STORE, SendDedupStore } from '@app/core';
import { UsersRepository } from '@app/persistence';
import type { RefreshResponse } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { SessionIssuer } from '../session-issuer';
import { TokenService } from '@app/tokens';

/** Key space of spent refresh tokens in the dedup store (no clientMsgId starts with it: those are client UUIDs). */
const SPENT = 'refresh-token:';

/**
 * Trades a refresh token for a new session pair naming the node the hash ring picks now. Refresh tokens are
 * single-use: the token's id is claimed once through the dedup store's atomic claim (a Lua SET-if-absent in Redis, a
 * transaction in SQLite), so of two racing refreshes one wins and the other is told REFRESH_TOKEN_REUSED. A session
 * that was ended (logout, replaced by a newer login) revoked its access token, and that ends its refresh token too.
 * The access token being replaced stops working.
 */
@Injectable()
export class RefreshUseCase {
  constructor(
    private readonly tokens: TokenService,
    private readonly issuer: SessionIssuer,
    private readonly users: UsersRepository,
    @Inject(SEND_DEDUP_STORE) private readonly spent: SendDedupStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly config: SwitchboardConfig,
  ) {}

  async execute(refreshToken: string): Promise<RefreshResponse> {
    const grant = await this.tokens.verifyRefresh(refreshToken);
    const now = this.clock.now();
    const claim = await this.spent.claim(grant.userId, SPENT + grant.tokenId, grant.expiresAt * 1000 - now + 1000);
    if (claim.status !== 'claimed')
      throw new DomainError(ErrorCode.RefreshTokenReused, 'refresh token was already used; log in again');
    if (await this.tokens.isRevoked(grant.accessTokenId))
      throw new DomainError(
        ErrorCode.RefreshTokenRevoked,
        'this session has ended (logged out or replaced); log in again',
      );
    const user = await this.users.findById(grant.userId);
    if (!user) throw new DomainError(ErrorCode.RefreshTokenRevoked, 'your account no longer exists');
    const { response } = await this.issuer.open(user, grant.platform);
    // access tokens live at most JWT_TTL_SECONDS, so the revocation need not be kept longer
    await this.tokens.revokeId(grant.accessTokenId, now + this.config.JWT_TTL_SECONDS * 1000);
    return response;
  }
}
