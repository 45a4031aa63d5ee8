import { randomBytes } from 'node:crypto';
import { directConversationId, PushMessage, WireType } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { waitFor } from '@app/testing';
import * as jwt from 'jsonwebtoken';
import { DEPLOYMENTS, RunningDeployment } from './deployments';
import { befriend, newUser } from './standalone-harness';

describe.each(DEPLOYMENTS)('POST /auth/refresh ($name)', (deployment) => {
  const secret = randomBytes(24).toString('hex');
  let server: RunningDeployment;
  const clients: SwitchboardClient[] = [];
  const user = async () => {
    const c = await newUser(server.baseUrl, 'rf');
    clients.push(c);
    return c;
  };
  const refresh = async (refreshToken: unknown) => {
    const res = await fetch(`${server.baseUrl}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const refused = (code: string) => ({ status: 401, body: expect.objectContaining({ statusCode: 401, code }) });

  beforeAll(async () => {
    server = await deployment.start({ JWT_SECRET: secret });
  }, 180_000);
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.stop();
  }, 60_000);

  it('trades a refresh token for a new pair; the old access token and the spent refresh token stop working', async () => {
    const alice = await user();
    const first = alice.session!;
    expect(first).toMatchObject({ refreshToken: expect.any(String), refreshExpiresIn: 30 * 24 * 3600, expiresIn: 900 });

    const answer = await refresh(first.refreshToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: first.user,
      node: first.node,
    });
    expect(answer.body.refreshToken).not.toBe(first.refreshToken);

    const me = (token: string) =>
      fetch(`${server.baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(answer.body.accessToken as string)).status).toBe(200);
    const old = await me(first.accessToken);
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ code: 'TOKEN_REVOKED' });

    // single-use: presenting the rotated token again is refused, and the new one still works
    expect(await refresh(first.refreshToken)).toEqual(refused('REFRESH_TOKEN_REUSED'));
    expect((await refresh(answer.body.refreshToken)).status).toBe(200);
  });

  it('refuses a refresh token of a logged-out session', async () => {
    const alice = await user();
    const { refreshToken } = alice.session!;
    await alice.logout();
    expect(await refresh(refreshToken)).toEqual(refused('REFRESH_TOKEN_REVOKED'));
  });

  it('refuses expired, forged, garbage and access tokens with 401, and a missing one with 400', async () => {
    const alice = await user();
    const claims = jwt.decode(alice.session!.refreshToken) as Record<string, unknown>;
    const { exp: _exp, iat: _iat, ...rest } = claims;
    const expired = jwt.sign({ ...rest, exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256' });
    expect(await refresh(expired)).toEqual(refused('REFRESH_TOKEN_EXPIRED'));
    const forged = jwt.sign(rest, 'another-secret-that-is-long-enough-to-look-real', { expiresIn: 600 });
    expect(await refresh(forged)).toEqual(refused('REFRESH_TOKEN_INVALID'));
    expect(await refresh('garbage')).toEqual(refused('REFRESH_TOKEN_INVALID'));
    // an access token is not a refresh token, and a refresh token is not an access token
    expect(await refresh(alice.session!.accessToken)).toEqual(refused('REFRESH_TOKEN_INVALID'));
    const asBearer = await fetch(`${server.baseUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${alice.session!.refreshToken}` },
    });
    expect(asBearer.status).toBe(401);
    expect(await asBearer.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const missing = await refresh(undefined);
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('is documented in Swagger, with its 401 refusals', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
    };
    const op = doc.paths['/api/v1/auth/refresh']?.post;
    expect(op?.responses).toEqual(expect.objectContaining({ 200: expect.anything(), 401: expect.anything() }));
    expect(op?.description).toMatch(/REFRESH_TOKEN_REUSED/);
  });

  it('lets the SDK refresh an expired access token by itself, for REST and the push channel', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const claims = jwt.decode(bob.session!.accessToken) as Record<string, unknown>;
    const { exp: _exp, iat: _iat, ...rest } = claims;
    const expired = jwt.sign({ ...rest, exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256' });
    const sessions: string[] = [];
    bob.on('session', (s) => sessions.push(s.accessToken));
    bob.useSession({ ...bob.session!, accessToken: expired });

    // REST: refused as expired, refreshed, repeated
    expect(await bob.me()).toMatchObject({ id: bob.userId });
    expect(sessions).toHaveLength(2);
    // push channel: the node refuses the expired token, the client refreshes and connects
    bob.useSession({ ...bob.session!, accessToken: expired });
    const seen: PushMessage[] = [];
    bob.on('message', (m) => seen.push(m));
    await bob.connect();
    expect(bob.state).toBe('connected');
    await alice.sendToUser(bob.userId, 'after the refresh');
    await waitFor(() => seen.some((m) => m.body === 'after the refresh'), 10_000, 'delivered');
    expect(seen.filter((m) => m.type === WireType.FriendMessage).map((m) => m.conversationId)).toEqual([
      directConversationId(alice.userId, bob.userId),
    ]);
  });
});
