import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE = /^[\w.:-]{1,128}$/;

/** Correlation id: the caller's X-Request-Id when it is sane, else a new one; echoed back in the response. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
