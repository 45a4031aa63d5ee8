import { PushBroadcaster, pushRooms } from '@app/core';
import { PushErrorCode, WireType } from '@app/protocol';
import { Injectable } from '@nestjs/common';
import { PushGateway } from './push.gateway';

/** Broadcasts through this process's socket.io server (with the Redis adapter on a push node, to every node). */
@Injectable()
export class LocalPushBroadcaster implements PushBroadcaster {
  constructor(private readonly gateway: PushGateway) {}

  async endSession(tokenId: string, reason: string): Promise<void> {
    const room = this.gateway.server.in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.ConnectionError, code: PushErrorCode.TokenRevoked, message: reason });
    room.disconnectSockets(true);
  }
}
