import type { ApiErrorBody } from '@app/protocol';

/** A non-2xx answer from the REST API, with the server's error body. */
export class SwitchboardApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.code}: ${Array.isArray(body.message) ? body.message.join('; ') : body.message}`);
    this.name = 'SwitchboardApiError';
  }
}

export interface HttpClientOptions {
  /** Abort a request that has not been answered after this long (default 15 s). */
  timeoutMs?: number;
  /**
   * Called once when a request is refused because the access token expired: return true after getting a new token
   * (the request is then repeated once with it).
   */
  refreshToken?: () => Promise<boolean>;
}

/** Minimal JSON-over-fetch client for /api/v1. */
export class HttpClient {
  token?: string;

  constructor(
    private readonly baseUrl: string,
    private readonly options: HttpClientOptions = {},
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const token = this.token;
    try {
      return await this.send<T>(method, path, body, query, token);
    } catch (error) {
      if (!(error instanceof SwitchboardApiError) || error.status !== 401 || !token) throw error;
      // another call refreshed the token meanwhile (which revokes the old one): repeat with the new one
      if (this.token && this.token !== token) return this.send<T>(method, path, body, query, this.token);
      if (error.body?.code === 'UNAUTHENTICATED' && (await this.options.refreshToken?.().catch(() => false)))
        return this.send<T>(method, path, body, query, this.token);
      throw error;
    }
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    query: Record<string, string | number | undefined> | undefined,
    token: string | undefined,
  ): Promise<T> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not our JSON (a proxy's error page): keep the status, name it by the status
      if (res.ok) throw new Error(`${method} ${path}: the answer is not JSON`);
      parsed = {
        statusCode: res.status,
        error: res.statusText,
        code: `HTTP_${res.status}`,
        message: text.slice(0, 200),
      };
    }
    if (!res.ok) throw new SwitchboardApiError(res.status, parsed as ApiErrorBody);
    return parsed as T;
  }
}
