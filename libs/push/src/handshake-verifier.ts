import { DependencyUnavailableError, DomainError, ErrorCode } from '@app/core';
import { PushErrorCode } from '@app/protocol';
import { AuthenticatedUser, TokenService } from '@app/tokens';
import { Injectable } from '@nestjs/common';
import { NodeIdentity } from './node-identity';

/** Why a connection is refused: the WS `error` event's code and text, then the socket is closed. */
export class PushRefusal extends Error {
  constructor(
    readonly code: PushErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedHandshake {
  user: AuthenticatedUser;
  /** The last seq the client has: the replay starts after it. */
  lastSeq: number;
}

/** The handshake's `auth`: a valid, unrevoked access token issued for this node, and a well-formed `lastSeq`. */
@Injectable()
export class HandshakeVerifier {
  constructor(
    private readonly identity: NodeIdentity,
    private readonly tokens: TokenService,
  ) {}

  /** Throws a PushRefusal naming what is wrong. */
  async verify(auth: unknown): Promise<VerifiedHandshake> {
    const { token, lastSeq = 0 } = (auth ?? {}) as { token?: unknown; lastSeq?: unknown };
    if (typeof token !== 'string' || !token)
      throw new PushRefusal(PushErrorCode.TokenMissing, 'handshake auth.token is required');
    if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0)
      throw new PushRefusal(PushErrorCode.BadRequest, 'handshake auth.lastSeq must be a non-negative integer');
    let user: AuthenticatedUser;
    try {
      user = await this.tokens.verify(token);
    } catch (error) {
      // the revocation store being down says nothing about the token: the client should retry, not log in again
      if (error instanceof DependencyUnavailableError)
        throw new PushRefusal(PushErrorCode.Internal, 'could not check the token now, retry');
      const revoked = error instanceof DomainError && error.code === ErrorCode.TokenRevoked;
      throw new PushRefusal(
        revoked ? PushErrorCode.TokenRevoked : PushErrorCode.TokenInvalid,
        (error as Error).message,
      );
    }
    if (user.nodeId !== this.identity.id)
      throw new PushRefusal(
        PushErrorCode.TokenWrongNode,
        `this token is for node ${user.nodeId}; log in again to get your node`,
      );
    return { user, lastSeq };
  }
}
