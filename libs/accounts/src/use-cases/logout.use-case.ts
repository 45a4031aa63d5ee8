import { PUSH_BROADCASTER, PushBroadcaster, SESSION_REGISTRY, SessionRegistry } from '@app/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthenticatedUser, TokenService } from '@app/tokens';

/** Revokes the token, forgets its session, then ends the push sessions opened with it, on whichever node holds them. */
@Injectable()
export class LogoutUseCase {
  private readonly logger = new Logger(LogoutUseCase.name);

  constructor(
    private readonly tokens: TokenService,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
  ) {}

  async execute(user: AuthenticatedUser): Promise<void> {
    await this.tokens.revoke(user);
    await this.sessions
      .remove(user.tokenId)
      .catch((error) => this.logger.warn({ err: error }, 'session not removed; it expires with its token'));
    // best effort: a socket that misses this still cannot reconnect with the revoked token
    await this.broadcaster
      .endSession(user.tokenId, 'logged out')
      .catch((error) => this.logger.warn({ err: error }, 'live sessions not ended'));
  }
}
