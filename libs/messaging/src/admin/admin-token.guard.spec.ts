import { SwitchboardConfig } from '@app/config';
import { ErrorCode } from '@app/core';
import { ExecutionContext } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'the-admin-token-of-this-test-0123456789';

function contextWith(authorization?: string): ExecutionContext {
  const req = { method: 'POST', url: '/api/v1/admin/notices', headers: authorization ? { authorization } : {} };
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

function guard(token?: string): AdminTokenGuard {
  return new AdminTokenGuard(Object.assign(new SwitchboardConfig(), { ADMIN_TOKEN: token }));
}

describe('AdminTokenGuard', () => {
  it('lets the right token through', () => {
    expect(guard(TOKEN).canActivate(contextWith(`Bearer ${TOKEN}`))).toBe(true);
    expect(guard(TOKEN).canActivate(contextWith(`bearer ${TOKEN}`))).toBe(true);
  });

  it('answers 401 without a token and 403 with a wrong one', () => {
    expect(() => guard(TOKEN).canActivate(contextWith())).toThrow(
      expect.objectContaining({ code: ErrorCode.Unauthenticated }),
    );
    expect(() => guard(TOKEN).canActivate(contextWith(`Basic ${TOKEN}`))).toThrow(
      expect.objectContaining({ code: ErrorCode.Unauthenticated }),
    );
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(1), 'x'])
      expect(() => guard(TOKEN).canActivate(contextWith(`Bearer ${wrong}`))).toThrow(
        expect.objectContaining({ code: ErrorCode.Forbidden }),
      );
  });

  it('answers 404 whatever the request when no ADMIN_TOKEN is configured', () => {
    for (const auth of [undefined, `Bearer ${TOKEN}`, 'Bearer '])
      expect(() => guard(undefined).canActivate(contextWith(auth))).toThrow(
        expect.objectContaining({ code: ErrorCode.NotFound }),
      );
  });
});
