import { setImmediate as nextTurn } from 'node:timers/promises';
import { PublishBatcher } from './publish-batcher';

describe('PublishBatcher', () => {
  /** A send that records each batch and answers each item with its own echo. */
  function recordingSend() {
    const batches: string[][] = [];
    const send = jest.fn(async (items: string[]) => {
      batches.push(items);
      return items.map((item) => `receipt:${item}`);
    });
    return { batches, send };
  }

  it('sends what was enqueued in one turn as one batch, and answers each caller with its own result', async () => {
    const { batches, send } = recordingSend();
    const batcher = new PublishBatcher(send, { maxCount: 32, maxBytes: 1000 });
    const results = Promise.all(['a', 'b', 'c'].map((item) => batcher.enqueue(item, 1)));
    expect(send).not.toHaveBeenCalled(); // not before the turn's other callbacks have had their chance
    expect(await results).toEqual(['receipt:a', 'receipt:b', 'receipt:c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('sends items of later turns in batches of their own', async () => {
    const { batches, send } = recordingSend();
    const batcher = new PublishBatcher(send, { maxCount: 32, maxBytes: 1000 });
    const first = batcher.enqueue('a', 1);
    await nextTurn();
    const second = batcher.enqueue('b', 1);
    expect(await Promise.all([first, second])).toEqual(['receipt:a', 'receipt:b']);
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('closes a batch at maxCount at once, in order', async () => {
    const { batches, send } = recordingSend();
    const batcher = new PublishBatcher(send, { maxCount: 2, maxBytes: 1000 });
    const results = Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => batcher.enqueue(item, 1)));
    expect(batches).toEqual([['a', 'b'], ['c', 'd']]); // the full ones went synchronously
    await results;
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('keeps a batch within maxBytes, and sends an item larger than that alone', async () => {
    const { batches, send } = recordingSend();
    const batcher = new PublishBatcher(send, { maxCount: 32, maxBytes: 10 });
    await Promise.all([
      batcher.enqueue('a', 4),
      batcher.enqueue('b', 4),
      batcher.enqueue('c', 4), // 12 > 10: starts the next batch
      batcher.enqueue('huge', 50),
      batcher.enqueue('d', 1),
    ]);
    expect(batches).toEqual([['a', 'b'], ['c'], ['huge'], ['d']]);
  });

  it('rejects every caller of a failed batch with its error, and later batches go on', async () => {
    const failure = new Error('proxy unreachable');
    const send = jest
      .fn<Promise<string[]>, [string[]]>()
      .mockRejectedValueOnce(failure)
      .mockImplementation(async (items) => items.map((i) => `receipt:${i}`));
    const batcher = new PublishBatcher(send, { maxCount: 32, maxBytes: 1000 });
    const failed = ['a', 'b'].map((item) => batcher.enqueue(item, 1).catch((e: unknown) => e));
    expect(await Promise.all(failed)).toEqual([failure, failure]);
    expect(await batcher.enqueue('c', 1)).toBe('receipt:c');
  });

  it('rejects the callers when the send throws synchronously or answers the wrong number of results', async () => {
    const throwing = new PublishBatcher<string, string>(
      () => {
        throw new Error('closed');
      },
      { maxCount: 32, maxBytes: 1000 },
    );
    await expect(throwing.enqueue('a', 1)).rejects.toThrow('closed');
    const short = new PublishBatcher<string, string>(async () => ['only one'], { maxCount: 32, maxBytes: 1000 });
    const both = [short.enqueue('a', 1), short.enqueue('b', 1)].map((p) => p.catch((e: Error) => e.message));
    expect(await Promise.all(both)).toEqual(['1 results for a batch of 2', '1 results for a batch of 2']);
  });
});
