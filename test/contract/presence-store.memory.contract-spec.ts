import { InMemoryPresenceStore } from '@app/embedded';
import { presenceStoreContract } from './suites/presence-store.contract';

describe('PresenceStore — in memory (embedded)', () => {
  presenceStoreContract({ create: async () => new InMemoryPresenceStore(), close: async () => undefined });
});
