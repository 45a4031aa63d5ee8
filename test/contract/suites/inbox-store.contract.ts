import { InboxStore, InboxWrite, newTimeOrderedId } from '@app/core';
import { realTimeline, Timeline } from '@app/testing';

export interface InboxStoreHarness {
  /** A store whose entries expire after `retentionMs`. */
  create(options: { retentionMs: number }): Promise<InboxStore>;
  close(): Promise<void>;
  /** The time the stores run on (default: the real clock). */
  timeline?: Timeline;
}

const DAY = 24 * 3600 * 1000;
/**
 * A deadline far enough off that a busy machine does not pass it between the calls that must come before it (on the
 * real clock), and the wait until it has passed: the tests wait for the moment that matters, not a fixed short sleep.
 */
const SOON_MS = 1500;

/** Every InboxStore adapter must pass this suite (see docs/architecture.md, 'The delivery contract'). */
export function inboxStoreContract(harness: InboxStoreHarness): void {
  const time = harness.timeline ?? realTimeline;
  const FAR = () => time.now() + 60_000;
  const soon = () => time.now() + SOON_MS;
  const past = (deadline: number) => time.passTo(deadline);
  let store: InboxStore;
  const user = () => `u-${newTimeOrderedId()}`;
  const write = (userId: string, seq: number, createdAt = time.now()): InboxWrite => ({
    userId,
    seq,
    payload: JSON.stringify({ body: `m${seq}` }),
    createdAt,
  });

  beforeAll(async () => {
    store = await harness.create({ retentionMs: 3 * DAY });
  });
  afterAll(() => harness.close());

  it('allocates consecutive sequence numbers per user, independently', async () => {
    const [a, b] = [user(), user()];
    expect(await store.allocate([a, b], FAR())).toEqual([
      { userId: a, seq: 1 },
      { userId: b, seq: 1 },
    ]);
    expect(await store.allocate([a, a], FAR())).toEqual([
      { userId: a, seq: 2 },
      { userId: a, seq: 3 },
    ]);
    const read = await store.read(a, 0, 10);
    expect(read.headSeq).toBe(3);
  });

  it('reads an unknown inbox as empty', async () => {
    expect(await store.read(user(), 0, 10)).toEqual({
      entries: [],
      pending: [],
      headSeq: 0,
      watermark: 0,
      hasMore: false,
    });
  });

  it('keeps an allocated seq pending until it is written', async () => {
    const u = user();
    await store.allocate([u], FAR());
    expect((await store.read(u, 0, 10)).pending).toEqual([1]);
    expect(await store.append([write(u, 1)])).toBe(1);
    const read = await store.read(u, 0, 10);
    expect(read.pending).toEqual([]);
    expect(read.entries).toEqual([{ seq: 1, payload: JSON.stringify({ body: 'm1' }), createdAt: expect.any(Number) }]);
  });

  it('burns an unconfirmed seq once its deadline passes, and never writes it later', async () => {
    const u = user();
    const deadline = soon();
    await store.allocate([u], deadline);
    await past(deadline);
    const read = await store.read(u, 0, 10);
    expect(read.pending).toEqual([]);
    expect(read.entries).toEqual([{ seq: 1, payload: null, createdAt: expect.any(Number) }]);
    expect(await store.append([write(u, 1)])).toBe(0);
    expect((await store.read(u, 0, 10)).entries[0].payload).toBeNull();
  });

  it('keeps a confirmed seq pending past its deadline (the broker has it)', async () => {
    const u = user();
    const deadline = soon();
    const allocations = await store.allocate([u], deadline);
    await store.confirm(allocations);
    await past(deadline);
    expect((await store.read(u, 0, 10)).pending).toEqual([1]);
    expect(await store.append([write(u, 1)])).toBe(1);
    expect((await store.read(u, 0, 10)).entries.map((e) => e.payload !== null)).toEqual([true]);
  });

  it('tells the confirming try whether it still holds its seqs: kept when pending or written, void once burnt', async () => {
    const [a, b] = [user(), user()];
    const kept = await store.allocate([a, b], FAR());
    expect(await store.append([write(a, 1)])).toBe(1); // its consumer may write before the try confirms
    expect(await store.confirm(kept)).toBe('confirmed');
    expect(await store.confirm(kept)).toBe('confirmed'); // a retried confirm
    // a try held up while a retry settled it as void (or the reaper burnt it past its deadline) has lost
    const lost = await store.allocate([a, b], FAR());
    expect(await store.settle(lost)).toBe('void');
    expect(await store.confirm(lost)).toBe('void');
    expect(await store.confirm([lost[1]])).toBe('void');
    const deadline = soon();
    const reaped = await store.allocate([b], deadline);
    await past(deadline);
    await store.read(b, 0, 10); // reads reap what is past its deadline
    expect(await store.confirm(reaped)).toBe('void');
    expect(await store.confirm([])).toBe('confirmed');
  });

  it('burns on request, and the burnt placeholder wins over a late write', async () => {
    const u = user();
    const allocations = await store.allocate([u, u], FAR());
    await store.burn([allocations[0]]);
    expect(await store.append([write(u, 1), write(u, 2)])).toBe(1);
    const read = await store.read(u, 0, 10);
    expect(read.entries.map((e) => [e.seq, e.payload === null])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  describe('settling an interrupted send', () => {
    it('finds it published when one of its seqs was written, and confirms the others still pending', async () => {
      const [recipient, sender] = [user(), user()];
      // a short deadline: without settle, the sender's pending seq would be burnt after it
      const deadline = soon();
      const allocations = await store.allocate([recipient, sender], deadline);
      expect(await store.append([write(recipient, 1)])).toBe(1);
      expect(await store.settle(allocations)).toBe('published');
      await past(deadline);
      expect((await store.read(sender, 0, 10)).pending).toEqual([1]);
      expect(await store.append([write(sender, 1)])).toBe(1);
      expect((await store.read(sender, 0, 10)).entries.map((e) => e.payload !== null)).toEqual([true]);
    });

    it('finds it published when its seqs were confirmed', async () => {
      const u = user();
      const allocations = await store.allocate([u], FAR());
      await store.confirm(allocations);
      expect(await store.settle(allocations)).toBe('published');
      expect(await store.append([write(u, 1)])).toBe(1);
    });

    it('voids it without proof: its pending seqs are burnt and a late write is refused', async () => {
      const [a, b] = [user(), user()];
      const allocations = await store.allocate([a, b], FAR());
      expect(await store.settle(allocations)).toBe('void');
      expect(await store.append([write(a, 1), write(b, 1)])).toBe(0);
      for (const u of [a, b]) {
        const read = await store.read(u, 0, 10);
        expect(read.pending).toEqual([]);
        expect(read.entries).toEqual([{ seq: 1, payload: null, createdAt: expect.any(Number) }]);
      }
    });

    it('leaves written and acknowledged seqs as they are', async () => {
      const u = user();
      const allocations = await store.allocate([u, u], FAR());
      await store.append([write(u, 1), write(u, 2)]);
      await store.ack(u, 1);
      expect(await store.settle(allocations)).toBe('published');
      const read = await store.read(u, 0, 10);
      expect(read.entries.map((e) => [e.seq, e.payload !== null])).toEqual([[2, true]]);
      expect(read.watermark).toBe(1);
    });

    it('finds it published when its only seq was written, delivered and acknowledged (the entry is gone)', async () => {
      const u = user();
      const allocations = await store.allocate([u], FAR());
      await store.append([write(u, 1)]);
      await store.ack(u, 1);
      expect(await store.settle(allocations)).toBe('published');
    });

    it('voids it when its only seq was burnt and acknowledged past', async () => {
      const u = user();
      const allocations = await store.allocate([u], FAR());
      await store.burn(allocations);
      expect((await store.read(u, 0, 10)).entries).toEqual([{ seq: 1, payload: null, createdAt: expect.any(Number) }]);
      await store.ack(u, 1);
      expect((await store.read(u, 0, 10)).entries).toEqual([]);
      expect(await store.settle(allocations)).toBe('void');
    });

    it('voids it when its seq was reaped past its deadline and acknowledged past', async () => {
      const u = user();
      const deadline = soon();
      const allocations = await store.allocate([u], deadline);
      await past(deadline);
      expect((await store.read(u, 0, 10)).entries.map((e) => e.payload)).toEqual([null]);
      await store.ack(u, 1);
      expect(await store.settle(allocations)).toBe('void');
    });
  });

  it('is idempotent on redelivery', async () => {
    const u = user();
    await store.allocate([u], FAR());
    expect(await store.append([write(u, 1)])).toBe(1);
    expect(await store.append([write(u, 1)])).toBe(0);
    expect((await store.read(u, 0, 10)).entries).toHaveLength(1);
  });

  it('reads in seq order after a cursor, with a limit', async () => {
    const u = user();
    await store.allocate([u, u, u, u, u], FAR());
    expect(await store.append([5, 3, 1, 4, 2].map((s) => write(u, s)))).toBe(5);
    const first = await store.read(u, 1, 2);
    expect(first.entries.map((e) => e.seq)).toEqual([2, 3]);
    expect(first.hasMore).toBe(true);
    const rest = await store.read(u, 3, 10);
    expect(rest.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(rest.hasMore).toBe(false);
  });

  it('writes many users in one call', async () => {
    const users = Array.from({ length: 50 }, user);
    const allocations = await store.allocate(users, FAR());
    expect(await store.append(allocations.map((a) => write(a.userId, a.seq)))).toBe(50);
    for (const u of users.slice(0, 3)) expect((await store.read(u, 0, 10)).entries.map((e) => e.seq)).toEqual([1]);
  });

  it('serves one fan-out’s payload to each recipient at its own seq, whatever the others do with theirs', async () => {
    const members = Array.from({ length: 5 }, user);
    const [a, b] = [user(), user()];
    await store.allocate([members[1]], FAR()); // one member's inbox is a seq ahead
    const fanOut = await store.allocate(members, FAR());
    const direct = await store.allocate([a, b], FAR());
    const createdAt = time.now();
    const groupPayload = JSON.stringify({ body: 'to all five', groupId: 'g' });
    const directPayload = JSON.stringify({ body: 'just us two' });
    const writes = [
      ...fanOut.map((x) => ({ ...x, payload: groupPayload, createdAt })),
      ...direct.map((x) => ({ ...x, payload: directPayload, createdAt })),
    ];
    expect(await store.append(writes)).toBe(7);
    // a redelivery of the whole batch writes nothing and changes nothing
    expect(await store.append(writes)).toBe(0);

    expect(fanOut.map((x) => x.seq)).toEqual([1, 2, 1, 1, 1]);
    for (const { userId, seq } of fanOut) {
      const read = await store.read(userId, 0, 10);
      expect(read.entries).toEqual([{ seq, payload: groupPayload, createdAt }]);
    }
    for (const { userId } of direct) {
      expect((await store.read(userId, 0, 10)).entries).toEqual([{ seq: 1, payload: directPayload, createdAt }]);
    }

    // one member acknowledges it: the others are still served it
    await store.ack(members[0], 1);
    expect((await store.read(members[0], 0, 10)).entries).toEqual([]);
    for (const { userId, seq } of fanOut.slice(1)) {
      expect((await store.read(userId, 0, 10)).entries).toEqual([{ seq, payload: groupPayload, createdAt }]);
    }
    // and an interrupted send of it settles as published from any member's written entry
    expect(await store.settle(fanOut.slice(1))).toBe('published');
  });

  it('drops acknowledged entries and never re-adds them', async () => {
    const u = user();
    await store.allocate([u, u, u], FAR());
    await store.append([write(u, 1), write(u, 2)]);
    expect(await store.ack(u, 2)).toEqual({ watermark: 2 });
    // a late consumer (redelivery) must not resurrect an acknowledged entry
    expect(await store.append([write(u, 2)])).toBe(0);
    let read = await store.read(u, 0, 10);
    expect(read.entries).toEqual([]);
    expect(read.pending).toEqual([3]);
    expect(read.watermark).toBe(2);
    // an older ack does not move the watermark back; an ack past the head is clamped
    expect(await store.ack(u, 1)).toEqual({ watermark: 2 });
    expect(await store.ack(u, 99)).toEqual({ watermark: 3 });
    read = await store.read(u, 0, 10);
    expect(read.pending).toEqual([]);
    expect(read.headSeq).toBe(3);
  });

  it('continues the sequence after every entry was acknowledged', async () => {
    const u = user();
    await store.allocate([u], FAR());
    await store.append([write(u, 1)]);
    await store.ack(u, 1);
    expect(await store.allocate([u], FAR())).toEqual([{ userId: u, seq: 2 }]);
  });

  it('does not resurrect an acknowledged seq as a burnt placeholder', async () => {
    const u = user();
    const allocations = await store.allocate([u, u], FAR());
    await store.append([write(u, 2)]);
    await store.ack(u, 2);
    await store.burn([allocations[0]]);
    const read = await store.read(u, 0, 10);
    expect(read.entries).toEqual([]);
    expect(read.pending).toEqual([]);
  });

  describe('retention', () => {
    let short: InboxStore;
    beforeAll(async () => {
      short = await harness.create({ retentionMs: 3000 });
    });

    it('does not serve entries older than the retention', async () => {
      const u = user();
      await short.allocate([u, u], FAR());
      await short.append([write(u, 1, time.now() - 5000), write(u, 2)]);
      const read = await short.read(u, 0, 10);
      expect(read.entries.map((e) => e.seq)).toEqual([2]);
      expect(read.pending).toEqual([]);
    });

    it('does not write a message that is already past retention', async () => {
      const u = user();
      await short.allocate([u], FAR());
      expect(await short.append([write(u, 1, time.now() - 5000)])).toBe(0);
      expect(await short.read(u, 0, 10)).toMatchObject({ entries: [], pending: [] });
    });

    it('forgets a confirmed seq whose write never came within the retention', async () => {
      const u = user();
      await short.confirm(await short.allocate([u], soon()));
      const confirmedAt = time.now();
      expect((await short.read(u, 0, 10)).pending).toEqual([1]);
      await past(confirmedAt + 3000);
      expect(await short.read(u, 0, 10)).toMatchObject({ entries: [], pending: [], headSeq: 1 });
    });
  });
}
