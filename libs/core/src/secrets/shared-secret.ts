import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A secret shared by configuration (the admin token, the internal secret), checked in constant time: both sides are
 * hashed first, so neither the content nor the length of the expected secret leaks through timing.
 */
export class SharedSecret {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = sha256(secret);
  }

  matches(candidate: unknown): boolean {
    return typeof candidate === 'string' && timingSafeEqual(sha256(candidate), this.digest);
  }

  /** Whether an `Authorization` header is `Bearer <this secret>`. */
  matchesBearer(header: unknown): boolean {
    return this.matches(bearerToken(header));
  }
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^bearer +(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
