import { newTimeOrderedId, SessionRegistry } from '@app/core';
import { realTimeline, Timeline } from '@app/testing';

export interface SessionRegistryHarness {
  /** The time the adapter runs on (default: the real clock). */
  timeline?: Timeline;
  create(): Promise<SessionRegistry>;
  close(): Promise<void>;
}

/** Every SessionRegistry: sessions listed per user with platform and expiry, oldest first; expired and removed ones gone. */
export function sessionRegistryContract(harness: SessionRegistryHarness): void {
  const time = harness.timeline ?? realTimeline;
  let registry: SessionRegistry;

  beforeAll(async () => {
    registry = await harness.create();
  });
  afterAll(() => harness.close());

  it('lists a user’s sessions with platform and expiry, oldest token first, and no one else’s', async () => {
    const [alice, bob] = [newTimeOrderedId(), newTimeOrderedId()];
    const [t1, t2, t3] = [newTimeOrderedId(), newTimeOrderedId(), newTimeOrderedId()];
    const expiresAt = time.now() + 60_000;
    await registry.register(alice, t2, 'ios', expiresAt + 1);
    await registry.register(alice, t1, 'web', expiresAt);
    await registry.register(bob, t3, 'web', expiresAt);
    expect(await registry.sessionsOf(alice)).toEqual([
      { tokenId: t1, platform: 'web', expiresAt },
      { tokenId: t2, platform: 'ios', expiresAt: expiresAt + 1 },
    ]);
    expect(await registry.sessionsOf(bob)).toEqual([{ tokenId: t3, platform: 'web', expiresAt }]);
    expect(await registry.sessionsOf(newTimeOrderedId())).toEqual([]);
  });

  it('forgets a removed session and ignores an unknown one', async () => {
    const user = newTimeOrderedId();
    const [kept, removed] = [newTimeOrderedId(), newTimeOrderedId()];
    await registry.register(user, kept, 'android', time.now() + 60_000);
    await registry.register(user, removed, 'android', time.now() + 60_000);
    await registry.remove(removed);
    await registry.remove(newTimeOrderedId());
    expect((await registry.sessionsOf(user)).map((s) => s.tokenId)).toEqual([kept]);
  });

  it('leaves out sessions whose token expired', async () => {
    const user = newTimeOrderedId();
    const [short, long] = [newTimeOrderedId(), newTimeOrderedId()];
    // far enough off that a busy machine does not pass it before the first read; then wait until it has passed
    const expiry = time.now() + 1500;
    await registry.register(user, short, 'desktop', expiry);
    await registry.register(user, long, 'other', time.now() + 60_000);
    expect(await registry.sessionsOf(user)).toHaveLength(2);
    await time.passTo(expiry);
    expect((await registry.sessionsOf(user)).map((s) => s.tokenId)).toEqual([long]);
  });
}
