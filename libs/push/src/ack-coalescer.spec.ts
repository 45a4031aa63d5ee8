import { SwitchboardConfig } from '@app/config';
import { InboxService } from '@app/inbox';
import { AckCoalescer } from './ack-coalescer';

describe('AckCoalescer', () => {
  const WINDOW_MS = 500;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** The end of the current event-loop turn (setImmediate), and what it started. */
  const endOfTurn = () => jest.advanceTimersByTimeAsync(0);

  function coalescer(ack?: (userId: string, seq: number) => Promise<unknown>) {
    const writes: [string, number][] = [];
    const inbox = { ack: ack ?? (async (userId: string, seq: number) => (writes.push([userId, seq]), { watermark: seq })) };
    return { acks: new AckCoalescer(inbox as unknown as InboxService, { PUSH_ACK_WINDOW_MS: WINDOW_MS } as SwitchboardConfig), writes };
  }

  it('writes the acks of quiet users at the end of the turn, one update per user at the highest seq', async () => {
    const { acks, writes } = coalescer();
    for (let seq = 1; seq <= 10_000; seq++) acks.ack('a', seq);
    acks.ack('b', 7);
    acks.ack('b', 3);
    expect(writes).toEqual([]);
    await endOfTurn();
    expect(writes).toEqual([
      ['a', 10_000],
      ['b', 7],
    ]);
  });

  it('holds the acks of a user who keeps acking and writes them once per window, at the highest seq', async () => {
    const { acks, writes } = coalescer();
    acks.ack('a', 1);
    await endOfTurn();
    for (let seq = 2; seq <= 50; seq++) {
      acks.ack('a', seq);
      await endOfTurn();
    }
    expect(writes).toEqual([['a', 1]]);
    await jest.advanceTimersByTimeAsync(WINDOW_MS);
    expect(writes).toEqual([
      ['a', 1],
      ['a', 50],
    ]);
    // still acking: held again for a window
    acks.ack('a', 51);
    await endOfTurn();
    expect(writes).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(WINDOW_MS);
    expect(writes.at(-1)).toEqual(['a', 51]);
  });

  it('writes at once again after a quiet window, and stops its timer when nobody acks', async () => {
    const { acks, writes } = coalescer();
    acks.ack('a', 1);
    await endOfTurn();
    await jest.advanceTimersByTimeAsync(2 * WINDOW_MS);
    expect(jest.getTimerCount()).toBe(0);
    acks.ack('a', 2);
    await endOfTurn();
    expect(writes).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('does not hold one user for another', async () => {
    const { acks, writes } = coalescer();
    acks.ack('a', 1);
    await endOfTurn();
    acks.ack('a', 2);
    acks.ack('b', 9);
    await endOfTurn();
    expect(writes).toEqual([
      ['a', 1],
      ['b', 9],
    ]);
  });

  it('writes what it holds on shutdown, and every later ack at the end of its turn', async () => {
    const { acks, writes } = coalescer();
    acks.ack('a', 1);
    await endOfTurn();
    acks.ack('a', 2);
    await acks.beforeApplicationShutdown();
    expect(writes).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect(jest.getTimerCount()).toBe(0);
    acks.ack('a', 3);
    // no window is started once closing: only the end-of-turn write is pending
    expect(jest.getTimerCount()).toBe(1);
    await endOfTurn();
    expect(writes.at(-1)).toEqual(['a', 3]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps working after a failed write (the next ack carries it)', async () => {
    const written: number[] = [];
    let calls = 0;
    const { acks } = coalescer(async (_userId, seq) => {
      if (calls++ === 0) throw new Error('down');
      written.push(seq);
      return { watermark: seq };
    });
    acks.ack('a', 1);
    await endOfTurn();
    acks.ack('a', 2);
    await jest.advanceTimersByTimeAsync(WINDOW_MS);
    expect(written).toEqual([2]);
  });
});
