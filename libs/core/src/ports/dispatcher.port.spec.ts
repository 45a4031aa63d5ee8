import { dispatchResultOf, readDispatchResult } from './dispatcher.port';

describe('the answer to a send', () => {
  const message = { messageId: 'm-1', createdAt: '2026-12-04T10:00:00.000Z', senderId: 'alice' };

  it('names only the sender’s seq, however many recipients the send had', () => {
    const members = Array.from({ length: 5000 }, (_, i) => ({ userId: `u${i}`, seq: i + 1 }));
    expect(dispatchResultOf(message, [...members, { userId: 'alice', seq: 7 }])).toEqual({
      messageId: 'm-1',
      createdAt: message.createdAt,
      senderSeq: 7,
    });
  });

  it('names no seq when the sender has no entry (a notice from the system)', () => {
    expect(dispatchResultOf({ ...message, senderId: 'system' }, [{ userId: 'bob', seq: 3 }])).toEqual({
      messageId: 'm-1',
      createdAt: message.createdAt,
    });
  });

  it('reads an answer stored as JSON, and one received as an object', () => {
    const answer = { messageId: 'm-1', createdAt: message.createdAt, senderSeq: 2 };
    expect(readDispatchResult(JSON.stringify(answer), 'alice')).toEqual(answer);
    expect(readDispatchResult(answer, 'alice')).toEqual(answer);
  });

  it('reads an answer stored before senderSeq (every recipient’s seq) as the sender’s seq alone', () => {
    const legacy = JSON.stringify({ messageId: 'm-1', createdAt: message.createdAt, seqs: { bob: 9, alice: 4 } });
    expect(readDispatchResult(legacy, 'alice')).toEqual({
      messageId: 'm-1',
      createdAt: message.createdAt,
      senderSeq: 4,
    });
    expect(readDispatchResult(legacy, 'system')).toEqual({ messageId: 'm-1', createdAt: message.createdAt });
  });
});
