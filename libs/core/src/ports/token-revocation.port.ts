/** Revoked JWT ids, kept until the token would have expired anyway. */
export interface TokenRevocationStore {
  revoke(tokenId: string, expiresAt: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
}

export const TOKEN_REVOCATION_STORE = Symbol('TokenRevocationStore');
