import { PresenceEvents } from '@app/core';
import { InProcessPresenceEvents } from '@app/embedded';
import { presenceEventsContract } from './suites/presence-events.contract';

describe('PresenceEvents — in-process (embedded)', () => {
  const all: PresenceEvents[] = [];
  let current: PresenceEvents;
  presenceEventsContract(
    {
      create: async () => {
        current = new InProcessPresenceEvents();
        all.push(current);
        return current;
      },
      peer: async () => current,
      close: async () => void (await Promise.all(all.map((e) => e.close()))),
    },
    { retryWithinMs: 3000 },
  );
});
