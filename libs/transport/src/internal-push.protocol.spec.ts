import { isInternalPushFrame } from './internal-push.protocol';

describe('isInternalPushFrame', () => {
  const message = { type: 101, messageId: 'm', senderId: 'a', createdAt: '2026-11-30T00:00:00.000Z' };

  it('accepts the batches of a turn: each a message with its recipients and their seqs', () => {
    expect(isInternalPushFrame([{ message, recipients: [{ userId: 'b', seq: 1 }] }])).toBe(true);
    expect(
      isInternalPushFrame([
        { message, recipients: [] },
        { message, recipients: [{ userId: 'c', seq: 2 }] },
      ]),
    ).toBe(true);
    expect(isInternalPushFrame([])).toBe(true);
  });

  it('refuses anything else, whatever came off the wire', () => {
    for (const frame of [
      null,
      42,
      'text',
      {},
      { deliveries: [] },
      { message: null, recipients: [] },
      { message, recipients: 'b' },
      { message, recipients: [null] },
      { message, recipients: [{ userId: 'b' }] },
      { message, recipients: [{ userId: 'b', seq: 1.5 }] },
      { message, recipients: [{ userId: 7, seq: 1 }] },
      { message, recipients: [{ userId: 'b', seq: 1 }] },
      [{ message, recipients: [{ userId: 'b', seq: 1 }] }, null],
    ])
      expect({ frame, ok: isInternalPushFrame(frame) }).toEqual({ frame, ok: false });
  });
});
