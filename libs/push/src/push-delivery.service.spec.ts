import { OutboundMessage, PushMessage, WireType } from '@app/protocol';
import { PushDeliveryService } from './push-delivery.service';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { PushSocket, SocketRegistry } from './socket-registry';

/** Every socket in these tests reads fast: the guard always admits. */
const admitAll = { admit: () => true } as unknown as SlowConsumerGuard;

function socket(userId: string, heldBack: PushMessage[] | null = null) {
  const emitted: PushMessage[] = [];
  // what reaches the engine: socket.io packets of the default namespace, decoded back here
  const s = {
    data: { user: { userId }, heldBack },
    conn: {
      readyState: 'open',
      write: (packet: string) => {
        const [event, payload] = JSON.parse(packet.replace(/^2/, '')) as [string, PushMessage];
        if (event === 'message') emitted.push(payload);
      },
    },
  } as unknown as PushSocket;
  return { socket: s, emitted };
}

describe('PushDeliveryService', () => {
  const message: OutboundMessage = {
    type: WireType.GroupMessage,
    messageId: 'm1',
    senderId: 'a',
    groupId: 'g',
    conversationId: 'g:g',
    body: 'hello',
    createdAt: '2026-11-30T00:00:00.000Z',
  };

  it("emits to every socket of each recipient the message with that recipient's own seq", () => {
    const registry = new SocketRegistry();
    const [b1, b2, c1] = [socket('b'), socket('b'), socket('c')];
    [b1, b2, c1].forEach((s) => registry.add(s.socket));
    new PushDeliveryService(registry, admitAll).deliver({
      message,
      recipients: [
        { userId: 'b', seq: 4 },
        { userId: 'c', seq: 11 },
        { userId: 'not-here', seq: 1 },
      ],
    });
    expect(b1.emitted).toEqual([{ ...message, seq: 4 }]);
    expect(b2.emitted).toEqual([{ ...message, seq: 4 }]);
    expect(c1.emitted).toEqual([{ ...message, seq: 11 }]);
  });

  it('holds a message back for a socket whose inbox replay is still running', () => {
    const registry = new SocketRegistry();
    const held: PushMessage[] = [];
    const replaying = socket('b', held);
    registry.add(replaying.socket);
    new PushDeliveryService(registry, admitAll).deliver({ message, recipients: [{ userId: 'b', seq: 2 }] });
    expect(replaying.emitted).toEqual([]);
    expect(held).toEqual([{ ...message, seq: 2 }]);
  });

  it('holds back a bounded number, then only remembers the highest seq it did not hold', () => {
    const registry = new SocketRegistry();
    const held: PushMessage[] = [];
    const replaying = socket('b', held);
    registry.add(replaying.socket);
    const delivery = new PushDeliveryService(registry, admitAll);
    for (let seq = 1; seq <= 1005; seq++) delivery.deliver({ message, recipients: [{ userId: 'b', seq }] });
    expect(held).toHaveLength(1000);
    expect(held.at(-1)).toMatchObject({ seq: 1000 });
    expect(replaying.socket.data.heldBackBeyond).toBe(1005);
  });
});
