import type { DevicePlatform } from '@app/protocol';

/** One logged-in session: an access token and the platform it was issued for. */
export interface SessionEntry {
  tokenId: string;
  platform: DevicePlatform;
  /** Epoch milliseconds at which the token expires. */
  expiresAt: number;
}

/**
 * The live sessions (access tokens) of each user, for the multi-device policy: a login lists the user's other
 * sessions to revoke and kick them. Entries vanish when their token expires.
 */
export interface SessionRegistry {
  /** Records a session; `expiresAt` in epoch ms. Registering the same token again replaces it. */
  register(userId: string, tokenId: string, platform: DevicePlatform, expiresAt: number): Promise<void>;
  /** The user's sessions that have not expired, oldest token first. */
  sessionsOf(userId: string): Promise<SessionEntry[]>;
  /** Forgets a session (logout, kicked); unknown ids are ignored. */
  remove(tokenId: string): Promise<void>;
}

export const SESSION_REGISTRY = Symbol('SessionRegistry');
