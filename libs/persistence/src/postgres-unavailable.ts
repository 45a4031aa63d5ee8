import { isNetworkFailure } from '@app/core';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), 57P01–57P03 (shut down by an
 * administrator, crashed, starting up or shutting down) and 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_EXCEPTION_CLASS = '08';

/**
 * What pg and pg-pool reject with, as plain Errors, when there is no usable connection: the server closed it (or
 * the socket died) mid-query, the pool found no connection within `connectionTimeoutMillis`, a client that already
 * failed was used again.
 */
const CLIENT_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/**
 * True for a TypeORM/pg failure that says PostgreSQL cannot be reached or cannot serve right now (the caller may
 * retry): a connection error or timeout of pg, a socket error, or a server error of the "not now" SQLSTATEs. Reads
 * through TypeORM's QueryFailedError to the driver's error. A query the server refused (a constraint, a syntax error,
 * a serialization failure) is not one. SQLite's errors never match: its failures (SQLITE_BUSY past the busy timeout,
 * SQLITE_FULL, SQLITE_IOERR) are faults of the one process's own file, answered 500 and logged.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const e = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (e instanceof DatabaseError) {
    const code = e.code ?? '';
    return code.startsWith(CONNECTION_EXCEPTION_CLASS) || UNAVAILABLE_SQLSTATES.has(code);
  }
  // by shape, not `instanceof Error`: Node's socket errors may come from another realm (a VM context, a test runner)
  const { message, code, errors } = (e ?? {}) as { message?: unknown; code?: unknown; errors?: unknown };
  // an AggregateError: every address of a host name failed (IPv6 and IPv4 of 'localhost')
  if (Array.isArray(errors) && errors.some(isPostgresUnavailable)) return true;
  return (typeof message === 'string' && CLIENT_MESSAGES.has(message)) || isNetworkFailure(code);
}
