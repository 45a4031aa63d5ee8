import { ErrorCode } from './error-code';

/** An expected failure of a use case. Thrown by domain code, mapped to HTTP or WS errors at the edge. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A dependency (database, broker, cache, search) failed; the request may be retried. */
export class DependencyUnavailableError extends DomainError {
  constructor(dependency: string, cause?: unknown) {
    super(ErrorCode.DependencyUnavailable, `${dependency} is unavailable, try again`);
    this.cause = cause;
  }
}

/** A batch write stored some entries and not others: only `failedIds` need another try. */
export class PartialWriteError extends Error {
  constructor(
    readonly failedIds: string[],
    message: string,
  ) {
    super(message);
    this.name = 'PartialWriteError';
  }
}
