import { InvalidationBus, newTimeOrderedId } from '@app/core';
import { EVENTUALLY_MS, waitFor } from '@app/testing';

export interface InvalidationBusHarness {
  /** Buses of different processes on the same engine (the embedded one may return one shared instance). */
  create(): Promise<InvalidationBus>;
  close(): Promise<void>;
}

/** Every InvalidationBus adapter: a key published by one process reaches subscribers everywhere, per topic. */
export function invalidationBusContract(harness: InvalidationBusHarness): void {
  afterAll(() => harness.close());

  it('delivers a published key to every subscriber of the topic, and not to other topics', async () => {
    const [a, b] = [await harness.create(), await harness.create()];
    const topic = `t-${newTimeOrderedId()}`;
    const [atA, atB, other]: string[][] = [[], [], []];
    const stops = [
      await a.subscribe(topic, (k) => atA.push(k)),
      await b.subscribe(topic, (k) => atB.push(k)),
      await b.subscribe(`${topic}-other`, (k) => other.push(k)),
    ];
    await a.publish(topic, 'g1');
    await b.publish(topic, 'g2');
    await waitFor(() => atA.length === 2 && atB.length === 2, EVENTUALLY_MS, 'both subscribers see both keys');
    expect(atA.sort()).toEqual(['g1', 'g2']);
    expect(atB.sort()).toEqual(['g1', 'g2']);
    expect(other).toEqual([]);
    await Promise.all(stops.map((stop) => stop()));
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = await harness.create();
    const topic = `t-${newTimeOrderedId()}`;
    const seen: string[] = [];
    const stop = await bus.subscribe(topic, (k) => seen.push(k));
    await bus.publish(topic, 'before');
    await waitFor(() => seen.length === 1, EVENTUALLY_MS);
    await stop();
    await bus.publish(topic, 'after');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['before']);
  });
}
