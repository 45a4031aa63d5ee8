import { SwitchboardConfig } from '@app/config';
import { ErrorCode, newTimeOrderedId, PushBroadcaster } from '@app/core';
import { EmbeddedDatabase, SqliteSessionRegistry } from '@app/embedded';
import type { UsersRepository } from '@app/persistence';
import type { DevicePlatform, LoginResponse } from '@app/protocol';
import { Logger } from '@nestjs/common';
import type { PasswordHasher } from '../password-hasher';
import type { SessionIssuer } from '../session-issuer';
import type { TokenService } from '@app/tokens';
import { LoginUseCase } from './login.use-case';

type Policy = SwitchboardConfig['MULTI_DEVICE_POLICY'];

/**
 * Login and the multi-device policy, on the embedded session registry: which older sessions a login ends (revoked,
 * forgotten, kicked live), and that a wrong password or an unknown user opens nothing.
 */
describe('LoginUseCase', () => {
  const EXPIRES_AT = Date.now() + 3_600_000;
  let database: EmbeddedDatabase;
  let sessions: SqliteSessionRegistry;
  let revoked: string[];
  let kicked: { tokenId: string; reason: string }[];
  let verified: string[];
  let kickFails: boolean;

  const users = {
    findByUsername: async (username: string) =>
      username === 'ann' ? { id: 'u-ann', username, nickname: 'Ann', passwordHash: 'hash:right' } : null,
  } as unknown as UsersRepository;
  const hasher = {
    hash: async (password: string) => `hash:${password}`,
    verify: async (hash: string, password: string) => (verified.push(hash), hash === `hash:${password}`),
  } as unknown as PasswordHasher;
  const tokens = {
    revokeId: async (tokenId: string) => void revoked.push(tokenId),
  } as unknown as TokenService;
  /** What the real issuer does that matters here: a new time-ordered token id, registered as a session. */
  const issuer = {
    open: async (user: { id: string; username: string }, platform: DevicePlatform) => {
      const tokenId = newTimeOrderedId();
      await sessions.register(user.id, tokenId, platform, EXPIRES_AT);
      const claims = { userId: user.id, username: user.username, nodeId: 'n1', tokenId, platform, expiresAt: 0 };
      return { response: { accessToken: tokenId } as unknown as LoginResponse, claims };
    },
  } as unknown as SessionIssuer;
  const broadcaster = {
    kickSession: async (tokenId: string, reason: string) => {
      if (kickFails) throw new Error('redis down');
      kicked.push({ tokenId, reason });
    },
  } as unknown as PushBroadcaster;

  const loginUseCase = (policy: Policy) =>
    new LoginUseCase(users, hasher, tokens, issuer, sessions, broadcaster, {
      MULTI_DEVICE_POLICY: policy,
    } as SwitchboardConfig);
  const login = async (useCase: LoginUseCase, platform: DevicePlatform) =>
    (await useCase.execute({ username: 'ann', password: 'right', platform })).accessToken;
  const live = async () => (await sessions.sessionsOf('u-ann')).map((s) => s.tokenId);

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    database = new EmbeddedDatabase(':memory:');
    sessions = new SqliteSessionRegistry(database);
    [revoked, kicked, verified, kickFails] = [[], [], [], false];
  });
  afterEach(() => database.close());

  it('single: a login ends every older session of the user, revoked before it answers, and kicks them live', async () => {
    const useCase = loginUseCase('single');
    const web = await login(useCase, 'web');
    const ios = await login(useCase, 'ios');
    expect(revoked).toEqual([web]);
    expect(kicked).toEqual([{ tokenId: web, reason: 'you logged in on another device' }]);
    expect(await live()).toEqual([ios]);
  });

  it('per-platform: only the older sessions of the same platform end', async () => {
    const useCase = loginUseCase('per-platform');
    const web = await login(useCase, 'web');
    const ios = await login(useCase, 'ios');
    expect(revoked).toEqual([]);
    const web2 = await login(useCase, 'web');
    expect(revoked).toEqual([web]);
    expect(kicked).toEqual([{ tokenId: web, reason: 'you logged in on another web device' }]);
    expect((await live()).sort()).toEqual([ios, web2].sort());
  });

  it('all: every session stays', async () => {
    const useCase = loginUseCase('all');
    const tokensIssued = [await login(useCase, 'web'), await login(useCase, 'web'), await login(useCase, 'ios')];
    expect(revoked).toEqual([]);
    expect(kicked).toEqual([]);
    expect((await live()).sort()).toEqual(tokensIssued.sort());
  });

  it('never ends a newer session (a login racing this one), only older ones', async () => {
    const newer = 'zzzzzzzz-newer-than-any-time-ordered-id';
    await sessions.register('u-ann', newer, 'web', EXPIRES_AT);
    const token = await login(loginUseCase('single'), 'web');
    expect(revoked).toEqual([]);
    expect((await live()).sort()).toEqual([token, newer].sort());
  });

  it('still answers, with the older session revoked, when the live kick fails', async () => {
    const useCase = loginUseCase('single');
    const web = await login(useCase, 'web');
    kickFails = true;
    await expect(login(useCase, 'ios')).resolves.toEqual(expect.any(String));
    expect(revoked).toEqual([web]);
    expect(await live()).not.toContain(web);
  });

  it('refuses a wrong password and an unknown user alike (a hash is verified either way), opening nothing', async () => {
    const useCase = loginUseCase('single');
    const invalid = { code: ErrorCode.InvalidCredentials };
    await expect(useCase.execute({ username: 'ann', password: 'wrong' })).rejects.toMatchObject(invalid);
    await expect(useCase.execute({ username: 'bob', password: 'right' })).rejects.toMatchObject(invalid);
    expect(verified).toHaveLength(2);
    expect(verified[1]).toMatch(/^hash:/); // the dummy hash: an unknown user costs as much as a wrong password
    expect(await live()).toEqual([]);
  });
});
