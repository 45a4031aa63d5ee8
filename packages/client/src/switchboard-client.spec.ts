import { SwitchboardApiError } from './http-client';
import { SwitchboardClient } from './switchboard-client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, code: string) =>
  json(status, { statusCode: status, error: 'x', code, message: code.toLowerCase() });
const SENT = { messageId: 'm1', seq: 1, conversationId: 'd:a:b', createdAt: new Date(0).toISOString() };
const SESSION = (n: number) => ({
  accessToken: `access-${n}`,
  expiresIn: 900,
  refreshToken: `refresh-${n}`,
  refreshExpiresIn: 3600,
  user: { id: 'u1', username: 'alice', nickname: 'Alice' },
  node: { id: 'n1', url: 'http://127.0.0.1:1' },
});

/** The requests the client made: method, path, body and bearer token. */
function stubFetch(...answers: (Response | Error)[]) {
  const calls: { method: string; path: string; body?: Record<string, unknown>; token?: string }[] = [];
  const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      body: init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined,
      token: headers.authorization?.replace('Bearer ', ''),
    });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  });
  return { calls, spy };
}

describe('SwitchboardClient sends and tokens (fetch stubbed)', () => {
  const client = () => new SwitchboardClient({ baseUrl: 'http://127.0.0.1:1', sendRetryDelayMs: 1 });
  afterEach(() => jest.restoreAllMocks());

  it('retries a send after a timeout, a 503 and SEND_IN_PROGRESS, always with the same clientMsgId', async () => {
    const { calls } = stubFetch(
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      problem(503, 'DEPENDENCY_UNAVAILABLE'),
      problem(409, 'SEND_IN_PROGRESS'),
      json(201, SENT),
    );
    await expect(client().sendToUser('b', 'hi')).resolves.toEqual(SENT);
    expect(calls).toHaveLength(4);
    const ids = new Set(calls.map((c) => c.body?.clientMsgId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('does not retry what a retry cannot fix, and gives up after sendRetries', async () => {
    const { calls } = stubFetch(problem(403, 'NOT_FRIENDS'));
    await expect(client().sendToGroup('g', 'hi', 'my-id')).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(1);

    jest.restoreAllMocks();
    const again = stubFetch(...Array.from({ length: 3 }, () => problem(503, 'DEPENDENCY_UNAVAILABLE')));
    const few = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:1', sendRetries: 2, sendRetryDelayMs: 1 });
    await expect(few.sendToUser('b', 'hi', 'my-id')).rejects.toBeInstanceOf(SwitchboardApiError);
    expect(again.calls.map((c) => c.body?.clientMsgId)).toEqual(['my-id', 'my-id', 'my-id']);
  });

  it('refreshes an expired access token once, shared by concurrent calls, and repeats them with the new token', async () => {
    const c = client();
    const sessions: string[] = [];
    c.on('session', (s) => sessions.push(s.accessToken));
    c.useSession(SESSION(1));
    const { calls } = stubFetch(
      problem(401, 'UNAUTHENTICATED'),
      problem(401, 'UNAUTHENTICATED'),
      json(200, SESSION(2)),
      json(200, { id: 'u1' }),
      json(200, []),
    );
    // both calls are refused before the refresh answers: the second waits for the same refresh
    const [me, friends] = await Promise.all([c.me(), c.friends()]);
    expect(me).toEqual({ id: 'u1' });
    expect(friends).toEqual([]);
    expect(calls.filter((x) => x.path === '/api/v1/auth/refresh')).toEqual([
      expect.objectContaining({ body: { refreshToken: 'refresh-1' } }),
    ]);
    expect(calls.slice(3).map((x) => x.token)).toEqual(['access-2', 'access-2']);
    expect(sessions).toEqual(['access-1', 'access-2']);
  });

  it('passes a refused refresh on as the original 401, and never refreshes a revoked token', async () => {
    const c = client();
    c.useSession(SESSION(1));
    const { calls } = stubFetch(problem(401, 'UNAUTHENTICATED'), problem(401, 'REFRESH_TOKEN_REVOKED'));
    await expect(c.me()).rejects.toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(calls).toHaveLength(2);

    jest.restoreAllMocks();
    const revoked = stubFetch(problem(401, 'TOKEN_REVOKED'));
    await expect(c.me()).rejects.toMatchObject({ body: { code: 'TOKEN_REVOKED' } });
    expect(revoked.calls).toHaveLength(1);
  });

  it('keeps the status of a non-JSON error page', async () => {
    stubFetch(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const c = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:1', sendRetries: 0 });
    await expect(c.sendToUser('b', 'hi')).rejects.toMatchObject({ status: 502, body: { code: 'HTTP_502' } });
  });
});
