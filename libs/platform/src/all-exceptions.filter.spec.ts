import { DependencyUnavailableError, DomainError, ErrorCode } from '@app/core';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** Runs the filter on `exception` for one HTTP request; returns what was answered and whether it logged an error. */
function answer(exception: unknown): { status?: number; body?: Record<string, unknown>; logged: boolean } {
  const sent: { status?: number; body?: Record<string, unknown> } = {};
  const res = {};
  const http = {
    isHeadersSent: () => false,
    reply: (_res: unknown, body: Record<string, unknown>, status?: number) => Object.assign(sent, { body, status }),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', url: '/api/v1/friends' }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  try {
    new AllExceptionsFilter(http).catch(exception, host);
    return { ...sent, logged: error.mock.calls.length > 0 };
  } finally {
    error.mockRestore();
  }
}

describe('AllExceptionsFilter', () => {
  it('answers a DependencyUnavailableError 503 in the one error format, without an error log', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { status, body, logged } = answer(new DependencyUnavailableError('postgres', cause));
    expect(status).toBe(503);
    expect(body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'DEPENDENCY_UNAVAILABLE',
      message: 'postgres is unavailable, try again',
      requestId: 'req-1',
    });
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
    expect(logged).toBe(false);
  });

  it('answers any other domain error with the status of its code', () => {
    const { status, body, logged } = answer(new DomainError(ErrorCode.UsernameTaken, "username 'alice' is taken"));
    expect(status).toBe(409);
    expect(body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'USERNAME_TAKEN',
      message: "username 'alice' is taken",
      requestId: 'req-1',
    });
    expect(logged).toBe(false);
  });

  it('answers an unexpected error 500 without internals, and logs it', () => {
    const { status, body, logged } = answer(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL',
      message: 'internal error',
      requestId: 'req-1',
    });
    expect(logged).toBe(true);
  });

  it("knows no engine's errors: an untranslated driver error is a 500, the adapter's bug to fix", () => {
    const raw = Object.assign(new Error('Connection is closed.'), { code: 'ECONNREFUSED' });
    const { status, body, logged } = answer(raw);
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: 'INTERNAL' });
    expect(logged).toBe(true);
  });
});
