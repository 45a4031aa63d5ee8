import { DomainError, ErrorCode } from '@app/core';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { ApiErrorBody } from '@app/protocol';
import { STATUS_CODES } from 'node:http';
import { httpStatusOf } from './error-status';
import { fastifyRefusal } from './fastify-errors';

const HTTP_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'DEPENDENCY_UNAVAILABLE',
};

/**
 * One JSON error format for every HTTP failure: `{statusCode, error, code, message, requestId}`. Domain errors map
 * by code — a dependency that is down is a `DependencyUnavailableError` (DEPENDENCY_UNAVAILABLE, 503), which each
 * engine's adapter throws at its own boundary (see docs/architecture.md, 'Errors'); this filter knows no engine's
 * errors. Anything unexpected is logged with the request id and answered 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  /** `http`: the app's adapter, which answers on the platform's own response object. */
  constructor(private readonly http: Pick<HttpServer, 'reply' | 'isHeadersSent'>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<{ id?: string; url?: string; routeOptions?: { bodyLimit?: number } }>();
    const res = host.switchToHttp().getResponse<unknown>();
    const body = apiErrorOf(exception, req.routeOptions?.bodyLimit);
    body.requestId = req.id ? String(req.id) : undefined;
    // a refusal we chose (a dependency down, a full hash queue) is not a bug: no error log
    if (body.statusCode >= 500 && body.code !== ErrorCode.DependencyUnavailable && body.code !== ErrorCode.AuthBusy) {
      this.logger.error({ err: exception, requestId: body.requestId, path: req.url }, 'unhandled error');
    }
    if (!this.http.isHeadersSent(res)) this.http.reply(res, body, body.statusCode);
  }
}

/** The error body for `exception` (without the request id); `bodyLimit` (bytes) names the limit in a 413. */
export function apiErrorOf(exception: unknown, bodyLimit?: number): ApiErrorBody {
  const refusal = fastifyRefusal(exception, bodyLimit);
  if (refusal) return apiErrorOf(refusal);
  if (exception instanceof DomainError) {
    const statusCode = httpStatusOf(exception.code);
    return {
      statusCode,
      error: reason(statusCode),
      code: exception.code,
      message: exception.message,
      details: exception.details,
    };
  }
  if (exception instanceof ThrottlerException) {
    return {
      statusCode: 429,
      error: 'Too Many Requests',
      code: ErrorCode.RateLimited,
      message: 'rate limit exceeded, slow down',
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const body = (typeof response === 'string' ? { message: response } : response) as {
      message?: string | string[];
      code?: string;
    };
    const message = body.message ?? exception.message;
    const code =
      body.code ??
      (statusCode === 400 && Array.isArray(message) ? ErrorCode.ValidationFailed : (HTTP_CODE[statusCode] ?? 'ERROR'));
    return { statusCode, error: reason(statusCode), code, message };
  }
  return { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'internal error' };
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
