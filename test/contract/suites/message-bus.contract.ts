import { ConsumerGroup, MessageBus, MessageEnvelope, newTimeOrderedId } from '@app/core';
import { WireType } from '@app/protocol';
import { EVENTUALLY_MS, waitFor } from '@app/testing';

export interface MessageBusHarness {
  /** A bus; each call may return a fresh client on the same underlying engine. */
  create(): Promise<MessageBus>;
  close(): Promise<void>;
  /** How long a failed delivery may take to come back (the engine's invisible duration plus slack). */
  redeliveryWithinMs: number;
}

function envelope(body: string): MessageEnvelope {
  const messageId = newTimeOrderedId();
  return {
    message: {
      type: WireType.FriendMessage,
      messageId,
      conversationId: 'd:a:b',
      senderId: 'a',
      receiverId: 'b',
      body,
      createdAt: new Date().toISOString(),
    },
    recipients: [
      { userId: 'b', seq: 7 },
      { userId: 'a', seq: 3 },
    ],
    storeInHistory: true,
  };
}

/** Every MessageBus adapter: durable publish, both consumer groups see every message, failures come back. */
export function messageBusContract(harness: MessageBusHarness): void {
  let bus: MessageBus;
  const seen: Record<ConsumerGroup, MessageEnvelope[]> = { history: [], offline: [] };
  const failOnce = new Set<string>();
  /** Entries the handler reports as not stored (the rest of their batch is). */
  const reportOnce = new Set<string>();
  let failures = 0;

  beforeAll(async () => {
    bus = await harness.create();
    for (const group of [ConsumerGroup.History, ConsumerGroup.Offline]) {
      await bus.subscribe(group, async (batch) => {
        const failed: number[] = [];
        batch.forEach((env, i) => {
          const key = `${group}:${env.message.messageId}`;
          if (failOnce.delete(key)) {
            failures++;
            throw new Error('simulated consumer failure');
          }
          if (reportOnce.delete(key)) failed.push(i);
          else seen[group].push(env);
        });
        return { failed };
      });
    }
  });
  afterAll(() => harness.close());

  const delivered = (group: ConsumerGroup, messageId: string) =>
    seen[group].filter((e) => e.message.messageId === messageId);

  it('answers ping', async () => {
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('delivers every published envelope intact to both consumer groups', async () => {
    const env = envelope('hello');
    await bus.publish(env);
    await waitFor(() => delivered(ConsumerGroup.History, env.message.messageId).length > 0, EVENTUALLY_MS);
    await waitFor(() => delivered(ConsumerGroup.Offline, env.message.messageId).length > 0, EVENTUALLY_MS);
    expect(delivered(ConsumerGroup.History, env.message.messageId)[0]).toEqual(env);
    expect(delivered(ConsumerGroup.Offline, env.message.messageId)[0]).toEqual(env);
  });

  it('keeps unicode and large bodies intact', async () => {
    const env = envelope('héllo 👋 世界 '.repeat(300));
    await bus.publish(env);
    await waitFor(() => delivered(ConsumerGroup.Offline, env.message.messageId).length > 0, EVENTUALLY_MS);
    expect(delivered(ConsumerGroup.Offline, env.message.messageId)[0].message.body).toBe(env.message.body);
  });

  it('does not lose a message whose consumer failed: either publish fails or it is delivered again', async () => {
    const env = envelope('fails once');
    failOnce.add(`offline:${env.message.messageId}`);
    const before = failures;
    let published = true;
    await bus.publish(env).catch(() => (published = false));
    expect(failures).toBeGreaterThanOrEqual(before); // the handler may not have run yet on a remote bus
    if (published) {
      await waitFor(
        () => delivered(ConsumerGroup.Offline, env.message.messageId).length > 0,
        harness.redeliveryWithinMs + EVENTUALLY_MS,
      );
      expect(failures).toBe(before + 1);
    } else {
      expect(failures).toBe(before + 1);
      expect(delivered(ConsumerGroup.Offline, env.message.messageId)).toEqual([]);
    }
  });

  it('hands back only the entries a handler reported unstored, never the ones it stored', async () => {
    const [stored, unstored] = [envelope('stored'), envelope('reported unstored')];
    reportOnce.add(`offline:${unstored.message.messageId}`);
    const published = await Promise.all(
      [stored, unstored].map((e) =>
        bus.publish(e).then(
          () => true,
          () => false,
        ),
      ),
    );
    expect(published[0]).toBe(true);
    await waitFor(() => delivered(ConsumerGroup.Offline, stored.message.messageId).length > 0, 15_000);
    if (published[1]) {
      // it comes back on its own; the stored one is not handed over again meanwhile
      await waitFor(
        () => delivered(ConsumerGroup.Offline, unstored.message.messageId).length > 0,
        harness.redeliveryWithinMs,
      );
    } else {
      expect(delivered(ConsumerGroup.Offline, unstored.message.messageId)).toEqual([]);
    }
    expect(reportOnce.size).toBe(0);
    expect(delivered(ConsumerGroup.Offline, stored.message.messageId)).toHaveLength(1);
  });

  it('publishes more in one turn than one batch holds, large ones too: each resolves and arrives intact, on its own', async () => {
    // past the RocketMQ adapter's 32 per RPC and its 1 MiB per RPC: batches split by count and by size
    const large = Array.from({ length: 3 }, (_, i) => envelope(`${i}`.repeat(600 * 1024)));
    const small = Array.from({ length: 40 }, (_, i) => envelope(`one turn ${i}`));
    const envs = [...small.slice(0, 20), ...large, ...small.slice(20)];
    await Promise.all(envs.map((e) => bus.publish(e)));
    for (const env of envs) {
      await waitFor(() => delivered(ConsumerGroup.History, env.message.messageId).length > 0, EVENTUALLY_MS);
      await waitFor(() => delivered(ConsumerGroup.Offline, env.message.messageId).length > 0, EVENTUALLY_MS);
      expect(delivered(ConsumerGroup.History, env.message.messageId)[0]).toEqual(env);
      expect(delivered(ConsumerGroup.Offline, env.message.messageId)[0]).toEqual(env);
    }
  });

  it('delivers a burst of messages', async () => {
    const envs = Array.from({ length: 50 }, (_, i) => envelope(`burst ${i}`));
    await Promise.all(envs.map((e) => bus.publish(e)));
    const ids = new Set(envs.map((e) => e.message.messageId));
    await waitFor(() => seen.history.filter((e) => ids.has(e.message.messageId)).length >= 50, 20_000);
    await waitFor(
      () => new Set(seen.offline.map((e) => e.message.messageId).filter((id) => ids.has(id))).size === 50,
      20_000,
    );
  });
}
