import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'switchboard:isPublic';
/** Opens a route to callers without a token (the global auth guard skips it). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const RATE_LIMIT_BUCKET = 'switchboard:rateLimitBucket';
export type RateLimitBucket = 'send' | 'login' | 'typing';
/** Puts a route under a stricter named rate limit on top of the default one. */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT_BUCKET, bucket);
