import { InboxService } from '@app/inbox';
import { AckCoalescer } from './ack-coalescer';

describe('AckCoalescer', () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  function coalescer() {
    const writes: [string, number][] = [];
    const inbox = { ack: async (userId: string, seq: number) => (writes.push([userId, seq]), { watermark: seq }) };
    return { acks: new AckCoalescer(inbox as unknown as InboxService), writes };
  }

  it('turns many acks of one turn into one watermark update per user, at the highest seq', async () => {
    const { acks, writes } = coalescer();
    for (let seq = 1; seq <= 10_000; seq++) acks.ack('a', seq);
    acks.ack('b', 7);
    acks.ack('b', 3);
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual([
      ['a', 10_000],
      ['b', 7],
    ]);
  });

  it('writes again for acks of a later turn', async () => {
    const { acks, writes } = coalescer();
    acks.ack('a', 1);
    await turn();
    acks.ack('a', 2);
    await turn();
    expect(writes).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('keeps working after a failed write (the next ack carries it)', async () => {
    const writes: number[] = [];
    let calls = 0;
    const flaky = {
      ack: async (_userId: string, seq: number) => {
        if (calls++ === 0) throw new Error('down');
        writes.push(seq);
        return { watermark: seq };
      },
    };
    const acks = new AckCoalescer(flaky as unknown as InboxService);
    acks.ack('a', 1);
    await turn();
    acks.ack('a', 2);
    await turn();
    expect(writes).toEqual([2]);
  });
});
