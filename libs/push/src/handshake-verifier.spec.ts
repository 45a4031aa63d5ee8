import { SwitchboardConfig } from '@app/config';
import { DependencyUnavailableError, newTimeOrderedId, TokenRevocationStore } from '@app/core';
import { EmbeddedDatabase, SqliteTokenRevocationStore } from '@app/embedded';
import { PushErrorCode } from '@app/protocol';
import { ManualTimeline } from '@app/testing';
import { TokenService } from '@app/tokens';
import { JwtService } from '@nestjs/jwt';
import { HandshakeVerifier, PushRefusal } from './handshake-verifier';
import { NodeIdentity } from './node-identity';

/** The push handshake on a real TokenService (HS256, embedded revocations, a manual clock). */
describe('HandshakeVerifier', () => {
  const TTL_SECONDS = 900;
  const SECRET = 'handshake-spec-secret-0123456789abcdef';
  const NODE = new NodeIdentity('node-a', 'http://127.0.0.1:1');
  let database: EmbeddedDatabase;
  let clock: ManualTimeline;
  let tokens: TokenService;
  let verifier: HandshakeVerifier;
  const user = { id: 'u-ann', username: 'ann' };

  const refusal = (code: PushErrorCode, message?: RegExp) =>
    expect.objectContaining({ code, ...(message && { message: expect.stringMatching(message) }) });

  beforeEach(() => {
    database = new EmbeddedDatabase(':memory:');
    clock = new ManualTimeline();
    const jwt = new JwtService({
      secret: 'handshake-spec-secret-0123456789abcdef',
      signOptions: { algorithm: 'HS256', expiresIn: TTL_SECONDS },
    });
    const config = { REFRESH_TTL_SECONDS: 3600 } as SwitchboardConfig;
    tokens = new TokenService(jwt, new SqliteTokenRevocationStore(database, clock), config, clock);
    verifier = new HandshakeVerifier(NODE, tokens);
  });
  afterEach(() => database.close());

  it('admits a token issued for this node, with lastSeq 0 when none is given', async () => {
    const { token } = await tokens.issue(user, 'node-a', 'web');
    const admitted = await verifier.verify({ token });
    expect(admitted).toEqual({ user: expect.objectContaining({ userId: 'u-ann', nodeId: 'node-a' }), lastSeq: 0 });
    expect(await verifier.verify({ token, lastSeq: 41 })).toMatchObject({ lastSeq: 41 });
  });

  it('refuses a handshake without a token', async () => {
    for (const auth of [undefined, null, {}, { token: '' }, { token: 42 }]) {
      await expect(verifier.verify(auth)).rejects.toEqual(refusal(PushErrorCode.TokenMissing, /auth\.token/));
    }
  });

  it('refuses a lastSeq that is not a non-negative integer, before looking at the token', async () => {
    for (const lastSeq of [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 2, null]) {
      await expect(verifier.verify({ token: 'x', lastSeq })).rejects.toEqual(
        refusal(PushErrorCode.BadRequest, /lastSeq/),
      );
    }
  });

  it('refuses a token that is not ours or was tampered with', async () => {
    const { token } = await tokens.issue(user, 'node-a');
    const forged = new JwtService({ secret: 'another-secret-0123456789abcdef-0123' });
    const foreign = await forged.signAsync({ sub: 'u-ann', usr: 'ann', node: 'node-a', jti: newTimeOrderedId() });
    for (const bad of ['garbage', `${token.slice(0, -2)}xx`, foreign]) {
      await expect(verifier.verify({ token: bad })).rejects.toEqual(refusal(PushErrorCode.TokenInvalid));
    }
  });

  it('refuses an expired token, even one verified before', async () => {
    const { token } = await tokens.issue(user, 'node-a');
    await verifier.verify({ token });
    await clock.passTo(clock.now() + TTL_SECONDS * 1000);
    await expect(verifier.verify({ token })).rejects.toEqual(refusal(PushErrorCode.TokenInvalid, /expired/));
  });

  it('refuses a revoked token with TOKEN_REVOKED, so that the client logs in again', async () => {
    const { token, claims } = await tokens.issue(user, 'node-a');
    await verifier.verify({ token });
    await tokens.revoke(claims);
    await expect(verifier.verify({ token })).rejects.toEqual(refusal(PushErrorCode.TokenRevoked));
  });

  it('refuses a token issued for another node, naming it', async () => {
    const { token } = await tokens.issue(user, 'node-b');
    const refused = verifier.verify({ token });
    await expect(refused).rejects.toBeInstanceOf(PushRefusal);
    await expect(refused).rejects.toEqual(refusal(PushErrorCode.TokenWrongNode, /node-b/));
  });

  it('asks the client to retry, not to log in again, when the revocation store is down', async () => {
    const { token } = await tokens.issue(user, 'node-a');
    // the split's revocation store (Redis) during an outage: its adapter throws DependencyUnavailableError
    const down: TokenRevocationStore = {
      revoke: async () => undefined,
      isRevoked: async () => Promise.reject(new DependencyUnavailableError('redis')),
    };
    const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: TTL_SECONDS } });
    const config = { REFRESH_TTL_SECONDS: 3600 } as SwitchboardConfig;
    const outage = new HandshakeVerifier(NODE, new TokenService(jwt, down, config, clock));
    await expect(outage.verify({ token })).rejects.toEqual(refusal(PushErrorCode.Internal, /retry/));
  });
});
