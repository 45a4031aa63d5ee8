import { InProcessMessageBus } from '@app/embedded';
import { messageBusContract } from './suites/message-bus.contract';

describe('MessageBus — in process (embedded)', () => {
  messageBusContract({
    create: async () => new InProcessMessageBus(),
    close: async () => undefined,
    redeliveryWithinMs: 0,
  });
});
