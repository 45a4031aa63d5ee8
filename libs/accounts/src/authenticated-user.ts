/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedUser {
  userId: string;
  username: string;
  /** The push node the token was issued for. */
  nodeId: string;
  tokenId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface AccessTokenClaims {
  sub: string;
  usr: string;
  node: string;
  jti: string;
  exp: number;
  iat: number;
}
