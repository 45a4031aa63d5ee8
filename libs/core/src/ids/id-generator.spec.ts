import { newTimeOrderedId } from './id-generator';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newTimeOrderedId', () => {
  it('is a UUIDv7 whose first 48 bits are the creation time in ms', () => {
    const before = Date.now();
    const id = newTimeOrderedId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('sorts in the order the ids were made, also within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 20_000 }, () => newTimeOrderedId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps its order when the clock goes back', () => {
    const first = newTimeOrderedId();
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now() - 60_000);
    try {
      expect(newTimeOrderedId() > first).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
