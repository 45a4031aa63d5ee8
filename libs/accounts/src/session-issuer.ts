import { NODE_DIRECTORY, NodeDirectory, SESSION_REGISTRY, SessionRegistry } from '@app/core';
import type { DevicePlatform, LoginResponse } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { AuthenticatedUser, TokenService } from '@app/tokens';
import { toPublicUser } from './public-user';

/**
 * Opens a session for a user: an access token naming the push node the hash ring picks now (so a client that
 * refreshes after its node drained gets a live one), the session's registry entry, and the refresh token bound to it.
 */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly tokens: TokenService,
    @Inject(NODE_DIRECTORY) private readonly nodes: NodeDirectory,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
  ) {}

  async open(
    user: { id: string; username: string; nickname: string },
    platform: DevicePlatform,
  ): Promise<{ response: LoginResponse; claims: AuthenticatedUser }> {
    const node = await this.nodes.nodeFor(user.id);
    const { token, expiresIn, claims } = await this.tokens.issue(user, node.id, platform);
    await this.sessions.register(user.id, claims.tokenId, claims.platform, claims.expiresAt * 1000);
    const refresh = await this.tokens.issueRefresh(user, claims.tokenId, claims.platform);
    return {
      response: {
        accessToken: token,
        expiresIn,
        refreshToken: refresh.token,
        refreshExpiresIn: refresh.expiresIn,
        user: toPublicUser(user),
        node,
      },
      claims,
    };
  }
}
