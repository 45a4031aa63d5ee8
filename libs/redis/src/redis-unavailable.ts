import { isNetworkFailure } from '@app/core';
import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { CONNECTION_CLOSED_ERROR_MSG } from 'ioredis/built/utils';

/**
 * ioredis' AbortError (of redis-errors, which ioredis does not re-export): a command it gave up on without an answer,
 * because the connection closed under it or it ran out of retries. MaxRetriesPerRequestError is one.
 */
const AbortError = Object.getPrototypeOf(MaxRetriesPerRequestError) as new (...args: never[]) => Error;

/**
 * What ioredis rejects a command with, as a plain Error, when it has no connection to send it on: the client was
 * closed, or the command found no writable connection within its timeout (with `commandTimeout` or without the
 * offline queue; both off here, but this describes the client, not our settings).
 */
const CLIENT_MESSAGES = new Set([
  CONNECTION_CLOSED_ERROR_MSG,
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);

/**
 * Redis's replies that mean "not now", by their error prefix: loading its dataset after a restart, a script holding
 * the server, a replica that lost its master or a stale connection to a demoted master (failover), a cluster not
 * serving the slot yet.
 */
const UNAVAILABLE_REPLIES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'CLUSTERDOWN']);

/**
 * True for an ioredis failure that says Redis cannot be reached or cannot serve right now (the caller may retry):
 * a command aborted or out of retries, a closed client, a socket error, or a "not now" reply. A reply that refuses
 * the command itself (WRONGTYPE, a Lua error, NOSCRIPT...) is not one.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof AbortError) return true;
  if (error instanceof ReplyError) {
    const prefix = String((error as Error).message).split(' ', 1)[0];
    return UNAVAILABLE_REPLIES.has(prefix);
  }
  // by shape, not `instanceof Error`: Node's socket errors may come from another realm (a VM context, a test runner)
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return (typeof message === 'string' && CLIENT_MESSAGES.has(message)) || isNetworkFailure(code);
}
