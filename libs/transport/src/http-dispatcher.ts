import {
  DependencyUnavailableError,
  DispatchCommand,
  Dispatcher,
  DispatchResult,
  DomainError,
  ErrorCode,
} from '@app/core';
import { internalAuthHeader } from './internal-secret';

export const INTERNAL_DISPATCH_PATH = '/internal/dispatch';

/**
 * The gateway's Dispatcher in the split: message-dispatch's internal HTTP API. Domain refusals come back as the same
 * DomainError; anything else (dispatch down, broker down behind it) is a 503 for the caller, never a 201.
 */
export class HttpDispatcher implements Dispatcher {
  constructor(private readonly options: { baseUrl: string; secret: string; timeoutMs: number }) {}

  async dispatch(command: DispatchCommand): Promise<DispatchResult> {
    let res: Response;
    try {
      res = await fetch(new URL(INTERNAL_DISPATCH_PATH, this.options.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: internalAuthHeader(this.options.secret) },
        body: JSON.stringify(command),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new DependencyUnavailableError('message-dispatch', error);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<DispatchResult> & { code?: string; message?: string };
    if (res.ok) return body as DispatchResult;
    const code = body.code as ErrorCode | undefined;
    if (res.status < 500 && code && Object.values(ErrorCode).includes(code))
      throw new DomainError(code, body.message ?? code);
    throw new DependencyUnavailableError(
      'message-dispatch',
      new Error(`${res.status} ${body.code ?? ''} ${body.message ?? ''}`),
    );
  }
}
