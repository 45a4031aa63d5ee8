import { newTimeOrderedId, PresenceChange, PresenceEvents } from '@app/core';
import { EVENTUALLY_MS, waitFor } from '@app/testing';

export interface PresenceEventsHarness {
  /** A fresh channel (its own stream/group); `create()` again reaches the same channel, as another process would. */
  create(): Promise<PresenceEvents>;
  /** Another handle on the channel made by the last `create()` (another gateway), or the same one in-process. */
  peer(): Promise<PresenceEvents>;
  close(): Promise<void>;
}

const quiet = () => new Promise((r) => setTimeout(r, 300));

/** Every PresenceEvents: competing consumers (each change handled once), waiting changes kept, failures retried. */
export function presenceEventsContract(harness: PresenceEventsHarness, options: { retryWithinMs: number }): void {
  afterAll(() => harness.close());

  it('delivers each change, with its fields, to exactly one of several consumers', async () => {
    const events = await harness.create();
    const peer = await harness.peer();
    const seen: { by: string; change: PresenceChange }[] = [];
    await events.consume(async (change) => void seen.push({ by: 'a', change }));
    await peer.consume(async (change) => void seen.push({ by: 'b', change }));
    const changes = Array.from({ length: 40 }, (_, i) => ({
      userId: newTimeOrderedId(),
      online: i % 2 === 0,
      at: Date.now() + i,
    }));
    for (const change of changes) await (changes.indexOf(change) % 2 ? peer : events).publish(change);
    await waitFor(() => seen.length >= changes.length, EVENTUALLY_MS, 'all changes handled');
    await quiet();
    expect(seen).toHaveLength(changes.length);
    expect(seen.map((s) => s.change).sort((x, y) => x.at - y.at)).toEqual(changes);
    expect(new Set(seen.map((s) => s.change.userId)).size).toBe(changes.length);
  });

  it('keeps changes published while no consumer runs for the first one that starts', async () => {
    const events = await harness.create();
    const change = { userId: newTimeOrderedId(), online: true, at: Date.now() };
    await events.publish(change);
    const seen: PresenceChange[] = [];
    await (await harness.peer()).consume(async (c) => void seen.push(c));
    await waitFor(() => seen.length === 1, EVENTUALLY_MS, 'waiting change handled');
    expect(seen).toEqual([change]);
  });

  it('hands a change whose handler failed out again', async () => {
    const events = await harness.create();
    let attempts = 0;
    await events.consume(async () => {
      if (++attempts === 1) throw new Error('simulated handler failure');
    });
    await events.publish({ userId: newTimeOrderedId(), online: false, at: Date.now() });
    await waitFor(() => attempts >= 2, options.retryWithinMs + EVENTUALLY_MS, 'change handled again');
  });
}
