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
