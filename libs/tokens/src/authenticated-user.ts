import type { DevicePlatform } from '@app/protocol';

/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedUser {
  userId: string;
  username: string;
  /** The push node the token was issued for. */
  nodeId: string;
  tokenId: string;
  /** The device platform named at login (`other` for tokens issued before platforms existed). */
  platform: DevicePlatform;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface AccessTokenClaims {
  sub: string;
  usr: string;
  node: string;
  jti: string;
  /** Device platform named at login. */
  plt?: DevicePlatform;
  exp: number;
  iat: number;
}

/** A refresh token's claims: single-use, bound to the access token issued with it (`at`), whose revocation ends it. */
export interface RefreshTokenClaims {
  typ: 'refresh';
  sub: string;
  usr: string;
  jti: string;
  /** The id of the access token issued together with this refresh token. */
  at: string;
  plt?: DevicePlatform;
  exp: number;
  iat: number;
}

/** A verified refresh token. */
export interface RefreshGrant {
  userId: string;
  username: string;
  tokenId: string;
  accessTokenId: string;
  platform: DevicePlatform;
  /** Epoch seconds. */
  expiresAt: number;
}
