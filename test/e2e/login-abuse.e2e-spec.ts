import { ApiErrorBody } from '@app/protocol';
import { request } from 'node:http';
import { RunningStandalone, startStandalone } from './standalone-harness';

interface Answer {
  status: number;
  body: ApiErrorBody;
}

/** POST JSON from a given local address (every 127.x.y.z is this machine: a stand-in for many client addresses). */
function post(baseUrl: string, path: string, json: unknown, localAddress: string): Promise<Answer> {
  const url = new URL(`/api/v1${path}`, baseUrl);
  const payload = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ApiErrorBody }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Issue 10 item 4: the login limit was keyed by address + username, so rotating usernames from one address (password
 * spraying) and one username from many addresses were never limited; and nothing bounded the argon2 work a login
 * storm queues up.
 */
describe('login abuse on the one-process server', () => {
  let server: RunningStandalone;
  const PASSWORD = 'password-123';
  const addressFor = (i: number) => `127.0.${10 + Math.floor(i / 200)}.${(i % 200) + 1}`;
  let nextAddress = 0;
  const freshAddress = () => addressFor(nextAddress++);

  beforeAll(async () => {
    server = await startStandalone({
      LOG_LEVEL: 'error',
      RATE_LIMIT_LOGIN_PER_MINUTE: '5',
      RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE: '3',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE_MAX: '0',
    });
  });
  afterAll(() => server.destroy());

  const login = (username: string, address: string, password = 'wrong-password') =>
    post(server.baseUrl, '/auth/login', { username, password }, address);

  it('limits rotating usernames from one address', async () => {
    const address = freshAddress();
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await login(`spray${i}_${process.pid}`, address)).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // another address is not affected
    expect((await login(`spray0_${process.pid}`, freshAddress())).status).toBe(401);
  });

  it('limits one username tried from many addresses', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await login(`target_${process.pid}`, freshAddress()));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
    expect(answers[4].body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', requestId: expect.any(String) });
    // another username from a fresh address is not affected
    expect((await login(`other_${process.pid}`, freshAddress())).status).toBe(401);
  });

  it('refuses a login storm past the hash queue with 503 AUTH_BUSY, never a 500, and recovers', async () => {
    const username = `storm_${process.pid}`;
    expect(
      (await post(server.baseUrl, '/auth/register', { username, password: PASSWORD }, freshAddress())).status,
    ).toBe(201);
    // distinct usernames and addresses: no rate limit applies, only the hash queue (1 at a time, none waiting)
    const storm = await Promise.all(Array.from({ length: 12 }, (_, i) => login(`${username}_${i}`, freshAddress())));
    const statuses = storm.map((a) => a.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    expect(statuses).toContain(503);
    expect(storm.find((a) => a.status === 503)!.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'AUTH_BUSY',
      message: expect.stringMatching(/retry/),
      requestId: expect.any(String),
    });
    // once the storm passed, a real login works
    expect((await login(username, freshAddress(), PASSWORD)).status).toBe(200);
  });
});
