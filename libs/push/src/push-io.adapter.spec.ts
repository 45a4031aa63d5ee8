import { EventEmitter } from 'node:events';
import { of } from 'rxjs';
import type { Socket } from 'socket.io';
import { PushIoAdapter } from './push-io.adapter';

describe('PushIoAdapter', () => {
  const transform = (data: unknown) => of(data);
  /** The per-socket disconnect streams Nest's IoAdapter keeps (a WeakMap keyed by socket). */
  const streamsOf = (adapter: PushIoAdapter) =>
    (adapter as unknown as { disconnectMap: WeakMap<object, unknown> }).disconnectMap;

  it('builds nothing for a socket when there is no handler to bind', () => {
    const adapter = new PushIoAdapter();
    const socket = new EventEmitter();
    adapter.bindMessageHandlers(socket as unknown as Socket, [], transform);
    expect(streamsOf(adapter).has(socket)).toBe(false);
    expect(socket.eventNames()).toEqual([]);
  });

  it('still binds @SubscribeMessage handlers as Nest does, answering through the ack', async () => {
    const adapter = new PushIoAdapter();
    const socket = new EventEmitter();
    const received: unknown[] = [];
    adapter.bindMessageHandlers(
      socket as unknown as Socket,
      [
        {
          message: 'echo',
          // Nest accepts a plain value from a handler too (transform wraps it)
          callback: ((data: unknown) => (received.push(data), `got ${String(data)}`)) as never,
          isAckHandledManually: false,
          methodName: 'echo',
        },
      ],
      transform,
    );
    expect(streamsOf(adapter).has(socket)).toBe(true);
    const answer = new Promise((resolve) => socket.emit('echo', 'hi', resolve));
    await expect(answer).resolves.toBe('got hi');
    expect(received).toEqual(['hi']);
  });
});
