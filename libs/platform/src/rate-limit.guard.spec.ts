import { Controller, ExecutionContext } from '@nestjs/common';
import { ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { RATE_LIMIT_BUCKET, RateLimit } from './public.decorator';
import { RateLimitGuard } from './rate-limit.guard';

type Counted = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A store that answers each count only when the test says so, and notes when each count started. */
class HeldStorage implements ThrottlerStorage {
  readonly started: string[] = [];
  private readonly held: { name: string; answer: (counted: Counted) => void }[] = [];
  constructor(private readonly refuse: Set<string> = new Set()) {}

  increment(_key: string, _ttl: number, _limit: number, _block: number, name: string): Promise<Counted> {
    this.started.push(name);
    return new Promise((answer) => this.held.push({ name, answer }));
  }

  /** Answers every count started so far, in order. */
  release(): void {
    for (const { name, answer } of this.held.splice(0)) {
      const isBlocked = this.refuse.has(name);
      answer({ totalHits: 1, timeToExpire: 60, isBlocked, timeToBlockExpire: isBlocked ? 60 : 0 });
    }
  }
}

@Controller()
class Routes {
  @RateLimit('send')
  send() {}
  @RateLimit('login')
  login() {}
}

/** The buckets as RateLimitModule configures them: each named one counts only on the routes under it. */
const only = (bucket: string) => (context: ExecutionContext) =>
  Reflect.getMetadata(RATE_LIMIT_BUCKET, context.getHandler()) !== bucket;
const throttlers = [
  { name: 'default', ttl: 60_000, limit: 100 },
  { name: 'send', ttl: 60_000, limit: 100, skipIf: only('send') },
  { name: 'login', ttl: 60_000, limit: 100, skipIf: only('login') },
  { name: 'login-username', ttl: 60_000, limit: 100, skipIf: only('login') },
];

async function guardOver(storage: ThrottlerStorage): Promise<RateLimitGuard> {
  const guard = new RateLimitGuard({ throttlers }, storage);
  await guard.onModuleInit();
  return guard;
}

function contextOf(route: 'send' | 'login'): ExecutionContext {
  const req = { user: { userId: 'u1' }, ip: '127.0.0.1', headers: {}, body: { username: 'alice' } };
  const res = { header: () => undefined };
  // what the guard reads of an HTTP request's context
  const http = { getRequest: () => req, getResponse: () => res };
  return {
    getClass: () => Routes,
    getHandler: () => Routes.prototype[route],
    getType: () => 'http',
    switchToHttp: () => http,
  } as unknown as ExecutionContext;
}

/** Lets every pending promise callback run (the guard awaits a few before it starts a count). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RateLimitGuard', () => {
  it("starts a send's two counts together, before either is answered", async () => {
    const storage = new HeldStorage();
    const allowed = (await guardOver(storage)).canActivate(contextOf('send'));
    await settle();
    expect(storage.started).toEqual(['default', 'send']);
    storage.release();
    await expect(allowed).resolves.toBe(true);
  });

  it.each(['default', 'send'])('refuses a send that the %s bucket refuses', async (bucket) => {
    const storage = new HeldStorage(new Set([bucket]));
    const refusal = (await guardOver(storage)).canActivate(contextOf('send')).catch((error: unknown) => error);
    // answered as they come, whether the counts started together or not
    for (let i = 0; i < 2; i++) {
      await settle();
      storage.release();
    }
    expect(await refusal).toBeInstanceOf(ThrottlerException);
  });

  it("counts a login's buckets one after another, and not past the first refusal", async () => {
    const storage = new HeldStorage(new Set(['login']));
    const allowed = (await guardOver(storage)).canActivate(contextOf('login'));
    await settle();
    expect(storage.started).toEqual(['default']);
    storage.release();
    await settle();
    expect(storage.started).toEqual(['default', 'login']);
    storage.release();
    await expect(allowed).rejects.toBeInstanceOf(ThrottlerException);
    // refused per address: the username's bucket was never counted
    expect(storage.started).toEqual(['default', 'login']);
  });
});
