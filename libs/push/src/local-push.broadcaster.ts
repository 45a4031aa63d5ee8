import { PUSH_BROADCASTER, PushBroadcaster } from '@app/core';
import { SocketRooms, SocketRoomsBroadcaster } from '@app/transport';
import { FactoryProvider } from '@nestjs/common';
import { PushGateway } from './push.gateway';

/** Binds PUSH_BROADCASTER to this process's socket.io server (with the Redis adapter on a push node, every node). */
export const localPushBroadcasterProvider: FactoryProvider<PushBroadcaster> = {
  provide: PUSH_BROADCASTER,
  inject: [PushGateway],
  // socket.io's typed server is a SocketRooms; its event-map generics are what the cast drops
  useFactory: (gateway: PushGateway) => new SocketRoomsBroadcaster(() => gateway.server as unknown as SocketRooms),
};
