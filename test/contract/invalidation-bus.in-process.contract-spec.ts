import { InProcessInvalidationBus } from '@app/embedded';
import { invalidationBusContract } from './suites/invalidation-bus.contract';

describe('InvalidationBus — in process (embedded)', () => {
  const shared = new InProcessInvalidationBus();
  invalidationBusContract({ create: async () => shared, close: async () => undefined });
});
