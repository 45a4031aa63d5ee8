import { RocketMqMessageBus } from '@app/rocketmq';
import { messageBusContract } from './suites/message-bus.contract';

// Real RocketMQ 5 proxy (npm run infra:up), NORMAL topic `switchboard-messages`.
const endpoints = process.env.ROCKETMQ_ENDPOINTS ?? '127.0.0.1:8081';
const topic = process.env.ROCKETMQ_TOPIC ?? 'switchboard-messages';
// Own consumer groups (switchboard-contract-history/-offline, auto-created by the broker): on the app's groups this
// suite would ack messages that a running storage-worker is waiting for, and that worker could steal ours.
const groupPrefix = process.env.ROCKETMQ_CONTRACT_GROUP_PREFIX ?? 'switchboard-contract';
// The proxy refuses invisible durations under 10 s (minInvisibleTimeMillsForRecv). Measured redelivery after a
// failure: invisible duration + 3.5–7 s (pop revive, then up to one 5 s long poll before the retry is picked up).
const invisibleDurationMs = 10_000;
jest.setTimeout(60_000);

describe('MessageBus — RocketMQ', () => {
  const buses: RocketMqMessageBus[] = [];
  messageBusContract({
    create: async () => {
      const bus = new RocketMqMessageBus({
        endpoints,
        topic,
        groupPrefix,
        invisibleDurationMs,
        awaitDurationMs: 5_000,
        // the storage-worker's default: the suite holds with a pause between short batches
        receiveLingerMs: 50,
      });
      buses.push(bus);
      await bus.start();
      return bus;
    },
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    },
    redeliveryWithinMs: invisibleDurationMs + 10_000,
  });
});
