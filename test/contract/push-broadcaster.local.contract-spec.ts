import { SocketRooms, SocketRoomsBroadcaster } from '@app/transport';
import { pushBroadcasterContract } from './suites/push-broadcaster.contract';

describe('PushBroadcaster — local socket.io server (one process)', () => {
  pushBroadcasterContract({
    prepare: async () => undefined,
    create: async (server) => new SocketRoomsBroadcaster(() => server as unknown as SocketRooms),
    close: async () => undefined,
  });
});
