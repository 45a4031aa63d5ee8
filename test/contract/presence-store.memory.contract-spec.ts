import { InMemoryPresenceStore } from '@app/embedded';
import { ManualTimeline } from '@app/testing';
import { presenceStoreContract } from './suites/presence-store.contract';

describe('PresenceStore — in memory (embedded)', () => {
  // the adapter takes the injected clock: route TTLs are passed at once, not waited for
  const timeline = new ManualTimeline();
  presenceStoreContract({
    timeline,
    create: async () => new InMemoryPresenceStore(timeline),
    close: async () => undefined,
  });
});
