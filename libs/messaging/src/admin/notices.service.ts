import {
  DISPATCHER,
  Dispatcher,
  DomainError,
  ErrorCode,
  newTimeOrderedId,
  PUSH_BROADCASTER,
  PushBroadcaster,
} from '@app/core';
import { NoticeResponse, SYSTEM_SENDER_ID, SystemNoticeData, WireType } from '@app/protocol';
import { AccessPolicy } from '@app/social';
import { Inject, Injectable } from '@nestjs/common';

export type NoticeTargetInput = { userId?: string; groupId?: string; all?: boolean };

/**
 * System notices (type 210). To a user or a group: through dispatch, so each recipient gets an inbox entry with a
 * seq and offline users see it when they come back. To everyone online: a live-only `notice` socket event through the
 * PushBroadcaster (with the Redis adapter in a cluster, every node), no seq, never stored.
 */
@Injectable()
export class NoticesService {
  constructor(
    @Inject(DISPATCHER) private readonly dispatcher: Dispatcher,
    @Inject(PUSH_BROADCASTER) private readonly broadcaster: PushBroadcaster,
    private readonly policy: AccessPolicy,
  ) {}

  async send(to: NoticeTargetInput, body: string): Promise<NoticeResponse> {
    const named = [to.userId !== undefined, to.groupId !== undefined, to.all === true].filter(Boolean).length;
    if (named !== 1)
      throw new DomainError(ErrorCode.ValidationFailed, 'to must be exactly one of {userId}, {groupId} or {all: true}');
    const noticeId = newTimeOrderedId();
    if (to.all) {
      await this.broadcaster.broadcastNotice({
        type: WireType.SystemNotice,
        noticeId,
        body,
        createdAt: new Date().toISOString(),
      });
      return { noticeId };
    }
    if (to.userId !== undefined) {
      await this.policy.noticeToUser(to.userId);
      const data: SystemNoticeData = { noticeId };
      await this.dispatcher.dispatch({
        type: WireType.SystemNotice,
        senderId: SYSTEM_SENDER_ID,
        recipientIds: [to.userId],
        receiverId: to.userId,
        body,
        data: { ...data },
        storeInHistory: false,
      });
      return { noticeId, recipients: 1 };
    }
    const groupId = to.groupId!;
    const memberIds = [...(await this.policy.noticeToGroup(groupId))];
    const data: SystemNoticeData = { noticeId, groupId };
    if (memberIds.length)
      await this.dispatcher.dispatch({
        type: WireType.SystemNotice,
        senderId: SYSTEM_SENDER_ID,
        recipientIds: memberIds,
        groupId,
        body,
        data: { ...data },
        storeInHistory: false,
      });
    return { noticeId, recipients: memberIds.length };
  }
}
