import { loadConfig, SwitchboardConfig } from '@app/config';
import { Clock, TokenRevocationStore } from '@app/core';
import { JwtService } from '@nestjs/jwt';
import { TokenService } from './token.service';

describe('TokenService.issue', () => {
  const config = loadConfig(SwitchboardConfig, { JWT_SECRET: 's'.repeat(32), JWT_TTL_SECONDS: '900' });
  const jwt = new JwtService({ secret: config.JWT_SECRET, signOptions: { algorithm: 'HS256', expiresIn: 900 } });
  const noRevocations: TokenRevocationStore = { revoke: async () => undefined, isRevoked: async () => false };

  it('answers the full lifetime even when a second boundary passes while it signs', async () => {
    // every reading of this clock is 1 s later than the one before
    let at = Date.UTC(2026, 0, 1, 0, 0, 0, 999);
    const ticking: Clock = { now: () => (at += 1000) };
    const tokens = new TokenService(jwt, noRevocations, config, ticking);
    const issued = await tokens.issue({ id: 'u1', username: 'alice' }, 'node-1');
    expect(issued.expiresIn).toBe(900);
    expect(issued.claims.expiresAt - jwt.decode<{ iat: number }>(issued.token).iat).toBe(900);
  });
});
