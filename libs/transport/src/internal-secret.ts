import { timingSafeEqual, createHash } from 'node:crypto';

/** Constant-time check of a `Bearer <secret>` header against the internal secret. */
export function hasInternalSecret(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice(7)), digest(secret));
}

export function internalAuthHeader(secret: string): string {
  return `Bearer ${secret}`;
}
