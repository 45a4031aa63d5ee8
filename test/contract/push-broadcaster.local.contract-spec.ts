import { LocalPushBroadcaster, PushGateway } from '@app/push';
import { pushBroadcasterContract } from './suites/push-broadcaster.contract';

describe('PushBroadcaster — local socket.io server (one process)', () => {
  pushBroadcasterContract({
    prepare: async () => undefined,
    create: async (server) => new LocalPushBroadcaster({ server } as unknown as PushGateway),
    close: async () => undefined,
  });
});
