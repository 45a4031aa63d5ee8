import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE = /^[\w.:-]{1,128}$/;

/**
 * Correlation id: the caller's X-Request-Id when it is sane, else a new one; echoed back in the response. Assigned
 * once per request (`req.id`), by the first of the id middleware and the request logger to run.
 */
export function requestIdFor(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  req.id = id;
  return id;
}

/** Express middleware giving each request its id before anything can fail (the JSON parser runs ahead of routes). */
export function assignRequestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void): void {
  requestIdFor(req, res);
  next();
}
