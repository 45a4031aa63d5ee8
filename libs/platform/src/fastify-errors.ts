import { HttpException } from '@nestjs/common';

/**
 * Fastify's own refusals of a request (`FST_ERR_*` with a 4xx `statusCode`: a body over `bodyLimit`, a body shorter
 * than its Content-Length, a malformed URL, ...) as the HttpException they are, so that they get the one error format
 * like every other refusal. `bodyLimit` is the route's, in bytes (the 413's message names it).
 */
export function fastifyRefusal(error: unknown, bodyLimit?: number): HttpException | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number') return undefined;
  if (statusCode < 400 || statusCode >= 500) return undefined;
  const message =
    code === 'FST_ERR_CTP_BODY_TOO_LARGE' && bodyLimit
      ? `request body is larger than ${bodyLimit} bytes`
      : error.message;
  return new HttpException({ message }, statusCode);
}
