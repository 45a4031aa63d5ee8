import { PushBroadcaster, pushRooms } from '@app/core';
import { NoticeEvent, PresenceEvent, PUSH_EVENTS, PushErrorCode, TypingEvent, WireType } from '@app/protocol';
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

  async kickSession(tokenId: string, reason: string): Promise<void> {
    const room = this.gateway.server.in(pushRooms.token(tokenId));
    room.emit('error', { type: WireType.Kicked, code: PushErrorCode.SessionReplaced, message: reason });
    room.disconnectSockets(true);
  }

  async broadcastNotice(event: NoticeEvent): Promise<void> {
    this.gateway.server.emit(PUSH_EVENTS.notice, event);
  }

  async typing(userIds: string[], event: TypingEvent): Promise<void> {
    if (!userIds.length) return;
    this.gateway.server.to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.typing, event);
  }

  async presence(userIds: string[], event: PresenceEvent): Promise<void> {
    if (!userIds.length) return;
    this.gateway.server.to(userIds.map(pushRooms.user)).emit(PUSH_EVENTS.presence, event);
  }
}
