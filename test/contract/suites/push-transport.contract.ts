import { newTimeOrderedId, PushBatch, PushTransport } from '@app/core';
import { WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';

export interface PushTransportHarness {
  /**
   * The transport under test, and the one push node it reaches: whatever that node's delivery handler (what the
   * node's push delivery runs for each batch routed to it) is given ends up in `onBatch`.
   */
  create(onBatch: (batch: PushBatch) => void): Promise<{ transport: PushTransport; nodeId: string }>;
  /**
   * How `deliver` to a node id that no node answers to settles. Best effort either way (the push router logs a
   * rejection; the inbox serves the message): the one process drops it ('resolves'), a cluster transport that cannot
   * reach the node says so ('rejects').
   */
  unknownNode: 'resolves' | 'rejects';
  close(): Promise<void>;
}

let counter = 0;
/** A message for `recipients` (each with their own seq), with a body that names it. */
export function pushBatch(recipients: [userId: string, seq: number][], body = `m${++counter}`): PushBatch {
  return {
    message: {
      type: WireType.GroupMessage,
      messageId: newTimeOrderedId(),
      senderId: 'alice',
      conversationId: 'g:contract',
      groupId: 'contract',
      body,
      createdAt: new Date().toISOString(),
    },
    recipients: recipients.map(([userId, seq]) => ({ userId, seq })),
  };
}

/**
 * Every PushTransport (dispatch → push node; see docs/architecture.md, 'The cluster'): a batch reaches the node it is
 * delivered to once and intact (the message once, each recipient's own seq), a node's batches arrive in the order
 * they were delivered, and a batch for a node that does not exist reaches nobody and does not hang its caller.
 */
export function pushTransportContract(harness: PushTransportHarness): void {
  let transport: PushTransport;
  let nodeId: string;
  const received: PushBatch[] = [];
  const ids = (batches: PushBatch[]) => batches.map((b) => b.message.messageId);
  /**
   * Delivers a last batch and waits for it: the node gets a node's batches in order, so once the fence is in, every
   * batch delivered before it that will ever arrive has (and a duplicate would have) arrived.
   */
  const fence = async () => {
    const last = pushBatch([['fence', 1]], 'fence');
    await transport.deliver(nodeId, last);
    await waitFor(() => ids(received).includes(last.message.messageId), EVENTUALLY_MS, 'the fence batch');
    received.splice(
      received.findIndex((b) => b.message.messageId === last.message.messageId),
      1,
    );
  };

  beforeAll(async () => {
    ({ transport, nodeId } = await harness.create((batch) => received.push(batch)));
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterAll(() => harness.close());

  it("delivers a batch to the node's handler once, with the message and each recipient's seq", async () => {
    const batch = pushBatch([
      ['bob', 7],
      ['carol', 1],
      ['dave', 42],
    ]);
    await transport.deliver(nodeId, batch);
    await waitFor(() => received.length > 0, EVENTUALLY_MS, 'the batch');
    await fence();
    expect(received).toEqual([batch]);
  });

  it('keeps the order of the batches delivered to one node, within one turn and across turns', async () => {
    const sent: PushBatch[] = [];
    const deliver = (batch: PushBatch) => {
      sent.push(batch);
      return transport.deliver(nodeId, batch);
    };
    // a burst in one event-loop turn (dispatch answering many sends at once), then one at a time
    await Promise.all(Array.from({ length: 25 }, (_, i) => deliver(pushBatch([['bob', i + 1]]))));
    for (let i = 0; i < 10; i++) await deliver(pushBatch([['bob', 26 + i]]));
    // and a burst not awaited before the next one starts
    const pending = Array.from({ length: 15 }, (_, i) => deliver(pushBatch([['bob', 36 + i]])));
    await new Promise((r) => setImmediate(r));
    pending.push(deliver(pushBatch([['bob', 51]])));
    await Promise.all(pending);

    await waitFor(() => received.length >= sent.length, EVENTUALLY_MS, 'every batch');
    await fence();
    expect(ids(received)).toEqual(ids(sent));
    expect(received.map((b) => b.recipients[0].seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('keeps a large group batch and a unicode body intact', async () => {
    const recipients = Array.from({ length: 2000 }, (_, i): [string, number] => [`member-${i}`, 1000 + i]);
    const batch = pushBatch(recipients, 'héllo 👋 世界 '.repeat(2000));
    batch.message.data = { nested: { list: [1, 'two', null, { three: true }] } };
    await transport.deliver(nodeId, batch);
    await waitFor(() => received.length > 0, EVENTUALLY_MS, 'the batch');
    await fence();
    expect(received).toEqual([batch]);
  });

  it('does not hang, nor deliver anywhere, when the node does not exist; the next batch still gets through', async () => {
    const lost = pushBatch([['bob', 1]]);
    const outcome = await Promise.race([
      transport.deliver(`no-such-node-${newTimeOrderedId()}`, lost).then(
        () => 'resolves' as const,
        () => 'rejects' as const,
      ),
      new Promise<'hangs'>((r) => setTimeout(() => r('hangs'), EVENTUALLY_MS).unref()),
    ]);
    expect(outcome).toBe(harness.unknownNode);

    const next = pushBatch([['bob', 2]]);
    await transport.deliver(nodeId, next);
    await waitFor(() => received.length > 0, EVENTUALLY_MS, 'the next batch');
    await fence();
    expect(received).toEqual([next]);
  });
}
