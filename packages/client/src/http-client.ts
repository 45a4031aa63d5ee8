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

/** Minimal JSON-over-fetch client for /api/v1. */
export class HttpClient {
  token?: string;

  constructor(private readonly baseUrl: string) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw new SwitchboardApiError(res.status, parsed as ApiErrorBody);
    return parsed as T;
  }
}
