import { PushMessage, WireType } from '@app/protocol';
import { SequenceTracker } from './sequence-tracker';

const msg = (seq: number, type: WireType = WireType.FriendMessage): PushMessage => ({
  type,
  seq,
  messageId: type === WireType.SequenceBurnt ? '' : `m${seq}`,
  body: `body ${seq}`,
  createdAt: new Date(0).toISOString(),
});
const burnt = (seq: number) => msg(seq, WireType.SequenceBurnt);

/** A tracker starting after `start`, and the seqs it has released to the app so far. */
function tracker(start = 0) {
  const released: number[] = [];
  return { t: new SequenceTracker(start, (m) => released.push(m.seq)), released };
}

describe('SequenceTracker', () => {
  it('releases in-order messages at once and advances lastSeq', () => {
    const { t, released } = tracker();
    expect(t.offer(msg(1))).toBe(true);
    expect(t.offer(msg(2))).toBe(true);
    expect(t.offer(msg(3))).toBe(true);
    expect(released).toEqual([1, 2, 3]);
    expect(t.lastSeq).toBe(3);
    expect(t.gap).toBe(false);
  });

  it('starts after the seq it was given', () => {
    const { t, released } = tracker(5);
    expect(t.lastSeq).toBe(5);
    expect(t.offer(msg(5))).toBe(false);
    expect(t.offer(msg(6))).toBe(true);
    expect(released).toEqual([6]);
  });

  it('drops duplicates, released or still held, and answers false for them', () => {
    const { t, released } = tracker();
    t.offer(msg(1));
    expect(t.offer(msg(1))).toBe(false);
    expect(t.offer(msg(3))).toBe(true);
    expect(t.offer(msg(3))).toBe(false);
    t.offer(msg(2));
    expect(t.offer(msg(2))).toBe(false);
    expect(released).toEqual([1, 2, 3]);
  });

  it('holds out-of-order messages until the gap closes, flagging the gap meanwhile', () => {
    const { t, released } = tracker();
    t.offer(msg(4));
    t.offer(msg(2));
    expect(released).toEqual([]);
    expect(t.gap).toBe(true);
    expect(t.lastSeq).toBe(0);
    t.offer(msg(1));
    expect(released).toEqual([1, 2]);
    expect(t.gap).toBe(true); // 4 still waits for 3
    expect(t.lastSeq).toBe(2);
    t.offer(msg(3));
    expect(released).toEqual([1, 2, 3, 4]);
    expect(t.gap).toBe(false);
    expect(t.lastSeq).toBe(4);
  });

  it('advances over burnt (214) entries without releasing them', () => {
    const { t, released } = tracker();
    t.offer(msg(1));
    t.offer(msg(3));
    t.offer(burnt(2));
    t.offer(burnt(4));
    expect(released).toEqual([1, 3]);
    expect(t.lastSeq).toBe(4);
    expect(t.gap).toBe(false);
    expect(t.offer(burnt(2))).toBe(false);
  });

  it('settle() skips missing seqs up to settledThrough, releasing held ones on the way', () => {
    const { t, released } = tracker();
    t.offer(msg(3));
    const skipped = t.settle(5, new Set());
    expect(skipped).toEqual([1, 2, 4, 5]);
    expect(released).toEqual([3]);
    expect(t.lastSeq).toBe(5);
    expect(t.gap).toBe(false);
  });

  it('settle() stops at a pending seq and keeps what is held behind it', () => {
    const { t, released } = tracker();
    t.offer(msg(4));
    const skipped = t.settle(6, new Set([2, 5]));
    expect(skipped).toEqual([1]);
    expect(t.lastSeq).toBe(1);
    expect(released).toEqual([]);
    expect(t.gap).toBe(true);
    // the pending seq arrives: everything through 4 is released; 5 is still pending, so nothing is skipped past it
    t.offer(msg(2));
    t.offer(msg(3));
    expect(released).toEqual([2, 3, 4]);
    expect(t.settle(6, new Set([5]))).toEqual([]);
    expect(t.lastSeq).toBe(4);
  });

  it('settle() goes no further than settledThrough and does nothing when already past it', () => {
    const { t, released } = tracker();
    t.offer(msg(5));
    expect(t.settle(2, new Set())).toEqual([1, 2]);
    expect(t.lastSeq).toBe(2);
    expect(t.gap).toBe(true);
    expect(t.settle(1, new Set())).toEqual([]);
    expect(t.settle(2, new Set())).toEqual([]);
    expect(t.lastSeq).toBe(2);
    expect(released).toEqual([]);
  });

  it('settle() counts a held burnt entry as present, not as skipped', () => {
    const { t, released } = tracker();
    t.offer(burnt(1));
    expect(t.lastSeq).toBe(1);
    t.offer(burnt(3));
    expect(t.settle(3, new Set())).toEqual([2]);
    expect(t.lastSeq).toBe(3);
    expect(released).toEqual([]);
  });
});
