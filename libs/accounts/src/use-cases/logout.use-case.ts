import { PUSH_BROADCASTER, PushBroadcaster } from '@app/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthenticatedUser } from '../authenticated-user';
import { TokenService } from '../token.service';

/** Revokes the token, then ends the push sessions opened with it, on whichever node holds them. */
@Injectable()
export class LogoutUseCase {
  private readonly logger = new Logger(LogoutUseCase.name);

  constructor(
    private readonly tokens: TokenService,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
  ) {}

  async execute(user: AuthenticatedUser): Promise<void> {
    await this.tokens.revoke(user);
    // best effort: a socket that misses this still cannot reconnect with the revoked token
    await this.broadcaster
      .endSession(user.tokenId, 'logged out')
      .catch((error) => this.logger.warn({ err: error }, 'live sessions not ended'));
  }
}
