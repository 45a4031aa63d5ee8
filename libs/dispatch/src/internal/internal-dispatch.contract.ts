import { DispatchCommand, DispatchResult, ErrorCode } from '@app/core';

/**
 * The internal dispatch API (gateway → message-dispatch) over @nestjs/microservices: one request–reply pattern that
 * carries every send a gateway collected in one event-loop turn, answered entry by entry in the same order.
 * Patterns are objects, not plain strings: Nest's server first tries JSON.parse on the pattern of every packet, and a
 * plain string makes it throw (~7 µs per request for the error and its stack trace, against ~1 µs for this JSON).
 */
export const DISPATCH_BATCH_PATTERN = { cmd: 'dispatch.batch' } as const;
/** Readiness of message-dispatch as the gateway's health check sees it (the same connection the sends use). */
export const DISPATCH_PING_PATTERN = { cmd: 'dispatch.ping' } as const;
export type DispatchPattern = typeof DISPATCH_BATCH_PATTERN | typeof DISPATCH_PING_PATTERN;

/** Sends per request: a larger turn goes out as several requests (a group send may carry thousands of ids). */
export const DISPATCH_BATCH_MAX = 256;

export interface DispatchBatchRequest {
  /** INTERNAL_SECRET: the TCP transport has no authentication of its own. */
  secret: string;
  commands: DispatchCommand[];
}

/** A refusal keeps its domain code; `DEPENDENCY_UNAVAILABLE` and unknown codes become a 503 at the gateway. */
export interface DispatchRefusal {
  code: ErrorCode | string;
  message: string;
}

export type DispatchOutcome = { ok: DispatchResult } | { error: DispatchRefusal };

export interface DispatchBatchReply {
  outcomes: DispatchOutcome[];
}

/** Where the gateway finds dispatch: `tcp://host:port` (DISPATCH_URL). */
export function dispatchAddress(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}
