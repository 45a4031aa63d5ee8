import { randomUUID } from 'node:crypto';
import { SwitchboardConfig } from '@app/config';
import {
  DomainError,
  ErrorCode,
  PUSH_BROADCASTER,
  PushBroadcaster,
  SESSION_REGISTRY,
  SessionRegistry,
} from '@app/core';
import { UsersRepository } from '@app/persistence';
import type { DevicePlatform, LoginResponse } from '@app/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthenticatedUser, TokenService } from '@app/tokens';
import { PasswordHasher } from '../password-hasher';
import { SessionIssuer } from '../session-issuer';

@Injectable()
export class LoginUseCase {
  private readonly logger = new Logger(LoginUseCase.name);
  /** Verified against for unknown usernames, so that they cost as much as a wrong password. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly issuer: SessionIssuer,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
    private readonly config: SwitchboardConfig,
  ) {}

  async execute(input: { username: string; password: string; platform?: DevicePlatform }): Promise<LoginResponse> {
    const user = await this.users.findByUsername(input.username);
    this.dummyHash ??= this.hasher.hash(randomUUID());
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !ok) throw new DomainError(ErrorCode.InvalidCredentials, 'wrong username or password');
    const { response, claims } = await this.issuer.open(user, input.platform ?? 'other');
    await this.endReplacedSessions(claims);
    return response;
  }

  /**
   * The multi-device policy: `single` ends every older session of the user, `per-platform` the older ones of the same
   * platform, `all` none. Only older tokens (ids are time-ordered), so two logins racing cannot end each other.
   * Revocation completes before the login answers; the live kick is best effort (a kicked token cannot reconnect).
   */
  private async endReplacedSessions(session: AuthenticatedUser): Promise<void> {
    const policy = this.config.MULTI_DEVICE_POLICY;
    if (policy === 'all') return;
    const replaced = (await this.sessions.sessionsOf(session.userId)).filter(
      (s) => s.tokenId < session.tokenId && (policy === 'single' || s.platform === session.platform),
    );
    const reason =
      policy === 'single' ? 'you logged in on another device' : `you logged in on another ${session.platform} device`;
    await Promise.all(
      replaced.map(async (old) => {
        await this.tokens.revokeId(old.tokenId, old.expiresAt);
        await this.sessions.remove(old.tokenId);
        await this.broadcaster
          .kickSession(old.tokenId, reason)
          .catch((error) => this.logger.warn({ err: error }, 'replaced session not kicked live'));
      }),
    );
  }
}
