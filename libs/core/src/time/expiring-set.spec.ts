import { ExpiringSet } from './expiring-set';

describe('ExpiringSet', () => {
  let now = 1_000_000;
  const clock = { now: () => now };

  it('holds an id until its expiry, and never one added already expired', () => {
    const set = new ExpiringSet(clock);
    set.add('a', now + 100);
    set.add('b', now);
    expect(set.has('a')).toBe(true);
    expect(set.has('b')).toBe(false);
    expect(set.has('c')).toBe(false);
    now += 100;
    expect(set.has('a')).toBe(false);
  });

  it('keeps the live ids through a sweep of the expired ones', () => {
    const set = new ExpiringSet(clock);
    for (let i = 0; i < 1023; i++) set.add(`short-${i}`, now + 10);
    set.add('long', now + 1000);
    now += 10;
    // the 1,025th add sweeps: only the live ones are left
    set.add('late', now + 1000);
    expect(set.has('long')).toBe(true);
    expect(set.has('late')).toBe(true);
    expect(set.has('short-0')).toBe(false);
  });
});
