import { SwitchboardConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/core';
import { HashQueue } from './hash-queue';

describe('HashQueue', () => {
  const queue = (concurrency: number, queueMax: number) =>
    new HashQueue(
      Object.assign(new SwitchboardConfig(), {
        PASSWORD_HASH_CONCURRENCY: concurrency,
        PASSWORD_HASH_QUEUE_MAX: queueMax,
      }),
    );

  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }

  it('runs at most `concurrency` at once, queues up to the max, refuses the rest with AUTH_BUSY', async () => {
    const q = queue(2, 3);
    const g = gate();
    let running = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++running);
      await g.opened;
      running--;
      return 'done';
    };
    const accepted = Array.from({ length: 5 }, () => q.run(work));
    const refused = q.run(work).catch((e: unknown) => e);
    expect(await refused).toBeInstanceOf(DomainError);
    expect(((await refused) as DomainError).code).toBe(ErrorCode.AuthBusy);
    g.open();
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
    // the queue drained: there is room again
    expect(await q.run(async () => 'again')).toBe('again');
  });

  it('frees the slot when the work fails', async () => {
    const q = queue(1, 0);
    await expect(q.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 'ok')).toBe('ok');
  });
});
