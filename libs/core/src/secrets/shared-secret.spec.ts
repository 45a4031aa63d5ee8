import { bearerToken, SharedSecret } from './shared-secret';

describe('SharedSecret', () => {
  const secret = new SharedSecret('s3cret-of-some-length');

  it('matches the secret only', () => {
    expect(secret.matches('s3cret-of-some-length')).toBe(true);
    for (const other of ['s3cret-of-some-lengtH', 's3cret', '', 's3cret-of-some-length ', undefined, 42, null])
      expect(secret.matches(other)).toBe(false);
  });

  it('reads a Bearer header, whatever the scheme case', () => {
    expect(secret.matchesBearer('Bearer s3cret-of-some-length')).toBe(true);
    expect(secret.matchesBearer('bearer s3cret-of-some-length')).toBe(true);
    expect(secret.matchesBearer('Basic s3cret-of-some-length')).toBe(false);
    expect(secret.matchesBearer('s3cret-of-some-length')).toBe(false);
    expect(secret.matchesBearer(['Bearer s3cret-of-some-length'])).toBe(false);
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer tok')).toBe('tok');
  });
});
