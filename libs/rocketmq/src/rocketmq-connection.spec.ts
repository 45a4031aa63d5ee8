import { settleWithin } from '@app/core';
import { Deadline } from './rocketmq-connection';

/** The two bounds of the RocketMQ clients: a timeout that fires names what timed out, and no timer outlives its call. */
describe('RocketMQ call bounds', () => {
  const never = () => new Promise<string>(() => undefined);

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const bounds: [string, (what: string, task: () => Promise<string>) => Promise<string>][] = [
    ['Deadline (cockatiel timeout policy)', (what, task) => new Deadline(1000).run(what, task)],
    [
      'settleWithin (one plain timer, the publish path)',
      (what, task) => settleWithin(task(), 1000, () => new Error(`${what} timed out after 1000 ms`)),
    ],
  ];

  describe.each(bounds)('%s', (_, bounded) => {
    it('rejects naming what timed out, once the bound has passed and not before', async () => {
      const outcome = bounded('RocketMQ ping', never).catch((error: Error) => error);
      let settled = false;
      void outcome.then(() => (settled = true));
      await jest.advanceTimersByTimeAsync(999);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await outcome).toEqual(new Error('RocketMQ ping timed out after 1000 ms'));
      expect(jest.getTimerCount()).toBe(0);
    });

    it('resolves with the answer and clears its timer at once', async () => {
      await expect(bounded('publish of m-1', async () => 'receipt')).resolves.toBe('receipt');
      expect(jest.getTimerCount()).toBe(0);
    });

    it("passes the call's own failure through unchanged and clears its timer", async () => {
      const failure = new Error('UNAVAILABLE: proxy gone');
      await expect(bounded('RocketMQ client startup', () => Promise.reject(failure))).rejects.toBe(failure);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('one Deadline, built once, bounds each of its overlapping calls on its own', async () => {
    const deadline = new Deadline(1000);
    const first = deadline.run('first', never).catch((error: Error) => error.message);
    await jest.advanceTimersByTimeAsync(600);
    const answered = deadline.run('second', async () => 'ok');
    const third = deadline.run('third', never).catch((error: Error) => error.message);
    expect(await answered).toBe('ok');
    await jest.advanceTimersByTimeAsync(400);
    expect(await first).toBe('first timed out after 1000 ms');
    await jest.advanceTimersByTimeAsync(599);
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(await third).toBe('third timed out after 1000 ms');
    expect(jest.getTimerCount()).toBe(0);
  });
});
