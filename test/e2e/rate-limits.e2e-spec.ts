import { SwitchboardClient } from '@switchboard/client';
import { befriend, newUser, RunningStandalone, startStandalone } from './standalone-harness';

const SEND_LIMIT = 3;
const DEFAULT_LIMIT = 12;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The per-user buckets on the one-process server: `default` applies on every route (a counter per route and user),
 * `send` only on the send route. The guard skips a named bucket on routes not under it before it reads any of its
 * settings, so these pin down which bucket counts where (the `X-RateLimit-*` headers name each bucket that counted
 * the request).
 */
describe('rate limits per user and route', () => {
  let server: RunningStandalone;
  let alice: SwitchboardClient;
  let bob: SwitchboardClient;

  beforeAll(async () => {
    server = await startStandalone({
      LOG_LEVEL: 'error',
      RATE_LIMIT_SEND_PER_MINUTE: String(SEND_LIMIT),
      RATE_LIMIT_DEFAULT_PER_MINUTE: String(DEFAULT_LIMIT),
    });
    alice = await newUser(server.baseUrl, 'rlalice');
    bob = await newUser(server.baseUrl, 'rlbob');
    await befriend(alice, bob);
  });
  afterAll(() => server.destroy());

  async function call(client: SwitchboardClient, method: string, path: string, json?: unknown): Promise<Answer> {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${client.http.token}`,
        ...(json !== undefined && { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }
  const send = (from: SwitchboardClient, to: SwitchboardClient, i: number) =>
    call(from, 'POST', '/messages', { to: { userId: to.userId }, body: `hello ${i}`, clientMsgId: `rl-${i}` });
  const remaining = (answer: Answer, bucket = '') => Number(answer.headers.get(`x-ratelimit-remaining${bucket}`));

  it('counts sends in the send bucket only, per user, and refuses past it with 429 and Retry-After-send', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i <= SEND_LIMIT; i++) answers.push(await send(alice, bob, i));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers.slice(0, SEND_LIMIT).map((a) => remaining(a, '-send'))).toEqual([2, 1, 0]);
    expect(answers[0].headers.get('x-ratelimit-limit-send')).toBe(String(SEND_LIMIT));
    expect(answers[SEND_LIMIT].body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(Number(answers[SEND_LIMIT].headers.get('retry-after-send'))).toBeGreaterThan(0);
    // every send also counted once in alice's default bucket
    expect(remaining(answers[1])).toBe(remaining(answers[0]) - 1);

    // another user's sends are counted apart
    expect((await send(bob, alice, 100)).status).toBe(201);
  });

  it('counts other routes in the default bucket only, and refuses past it with 429 and Retry-After', async () => {
    const first = await call(alice, 'GET', '/conversations');
    expect(first.status).toBe(200);
    // not a send route: the send bucket neither counted it nor refused it, though alice's is spent
    expect(first.headers.get('x-ratelimit-limit-send')).toBeNull();
    expect(first.headers.get('x-ratelimit-limit')).toBe(String(DEFAULT_LIMIT));
    const left = remaining(first);
    expect(left).toBeGreaterThan(0);
    const answers: Answer[] = [];
    for (let i = 0; i <= left; i++) answers.push(await call(alice, 'GET', '/conversations'));
    expect(answers.slice(0, left).map((a) => a.status)).toEqual(Array(left).fill(200));
    expect(answers.slice(0, left).map((a) => remaining(a))).toEqual(
      Array.from({ length: left }, (_, i) => left - 1 - i),
    );
    expect(answers[left]).toMatchObject({ status: 429, body: { statusCode: 429, code: 'RATE_LIMITED' } });
    expect(Number(answers[left].headers.get('retry-after'))).toBeGreaterThan(0);

    // bob's default bucket is his own
    expect((await call(bob, 'GET', '/conversations')).status).toBe(200);
  });
});
