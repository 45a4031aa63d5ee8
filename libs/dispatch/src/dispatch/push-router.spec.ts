import { PresenceStore, PushBatch, PushTransport, Route } from '@app/core';
import { OutboundMessage, WireType } from '@app/protocol';
import { Logger } from '@nestjs/common';
import { PushRouter } from './push-router';

describe('PushRouter', () => {
  const message: OutboundMessage = {
    type: WireType.GroupMessage,
    messageId: 'm1',
    senderId: 'a',
    groupId: 'g',
    conversationId: 'g:g',
    body: 'hello',
    createdAt: '2026-11-30T00:00:00.000Z',
  };
  const routes: Record<string, Route[]> = {
    a: [{ userId: 'a', connectionId: 'a1', nodeId: 'n1' }],
    // two devices on one node, a third on another
    b: [
      { userId: 'b', connectionId: 'b1', nodeId: 'n1' },
      { userId: 'b', connectionId: 'b2', nodeId: 'n1' },
      { userId: 'b', connectionId: 'b3', nodeId: 'n2' },
    ],
    c: [{ userId: 'c', connectionId: 'c1', nodeId: 'n2' }],
  };
  const presence = {
    routesOf: jest.fn(async (ids: string[]) => new Map(ids.filter((id) => routes[id]).map((id) => [id, routes[id]]))),
  } as unknown as PresenceStore;

  beforeAll(() => Logger.overrideLogger(false)); // the failure test logs a warning on purpose
  beforeEach(() => jest.clearAllMocks());

  function router(deliver: PushTransport['deliver']) {
    return new PushRouter(presence, { deliver });
  }

  it('sends each node one batch: the message once, and the seq of each recipient it holds, once per user', async () => {
    const sent: [string, PushBatch][] = [];
    await router(async (nodeId, batch) => void sent.push([nodeId, batch])).push(message, [
      { userId: 'a', seq: 7 },
      { userId: 'b', seq: 3 },
      { userId: 'c', seq: 9 },
      { userId: 'offline', seq: 1 },
    ]);
    expect(Object.fromEntries(sent)).toEqual({
      n1: {
        message,
        recipients: [
          { userId: 'a', seq: 7 },
          { userId: 'b', seq: 3 },
        ],
      },
      n2: {
        message,
        recipients: [
          { userId: 'b', seq: 3 },
          { userId: 'c', seq: 9 },
        ],
      },
    });
    // one route lookup for every recipient, not one per recipient
    expect(presence.routesOf).toHaveBeenCalledTimes(1);
  });

  it('pushes with a lookup started earlier, without looking up again', async () => {
    const sent: string[] = [];
    const push = router(async (nodeId) => void sent.push(nodeId));
    const recipients = [{ userId: 'c', seq: 4 }];
    const lookedUp = push.lookup(recipients);
    await push.push(message, recipients, lookedUp);
    expect(sent).toEqual(['n2']);
    expect(presence.routesOf).toHaveBeenCalledTimes(1);
  });

  it('looks up again at push time when the early lookup failed', async () => {
    let calls = 0;
    const flaky = {
      routesOf: async (ids: string[]) => {
        if (++calls === 1) throw new Error('redis away');
        return presence.routesOf(ids);
      },
    } as unknown as PresenceStore;
    const sent: string[] = [];
    const push = new PushRouter(flaky, { deliver: async (nodeId) => void sent.push(nodeId) });
    const recipients = [{ userId: 'a', seq: 5 }];
    await push.push(message, recipients, push.lookup(recipients));
    expect(sent).toEqual(['n1']);
    expect(calls).toBe(2);
  });

  it('never throws when the lookup failed, and a failed lookup never pushed raises no unhandled rejection', async () => {
    const failing = new PushRouter({ routesOf: async () => Promise.reject(new Error('redis down')) } as never, {
      deliver: jest.fn(),
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      failing.lookup([{ userId: 'a', seq: 1 }]); // a voided try drops its lookup
      await expect(failing.push(message, [{ userId: 'a', seq: 2 }])).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('sends nothing when no recipient is online', async () => {
    const deliver = jest.fn(async () => undefined);
    await router(deliver).push(message, [{ userId: 'offline', seq: 1 }]);
    expect(deliver).not.toHaveBeenCalled();
  });

  it('never throws: a node that cannot be reached costs latency, and the other nodes still get theirs', async () => {
    const reached: string[] = [];
    const push = router(async (nodeId) => {
      if (nodeId === 'n1') throw new Error('connection refused');
      reached.push(nodeId);
    }).push(message, [
      { userId: 'a', seq: 1 },
      { userId: 'c', seq: 2 },
    ]);
    await expect(push).resolves.toBeUndefined();
    expect(reached).toEqual(['n2']);
  });
});
