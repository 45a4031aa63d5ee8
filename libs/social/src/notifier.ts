import { DISPATCHER, Dispatcher } from '@app/core';
import { WireType } from '@app/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

/**
 * Social notifications (203, 205, 207, …) travel the same path as messages: a seq in the recipient's inbox, pushed
 * live when possible. The request itself is already stored, so a failed notification is logged, not fatal: the
 * recipient still sees it in `GET /friends/requests`.
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger(Notifier.name);

  constructor(@Inject(DISPATCHER) private readonly dispatcher: Dispatcher) {}

  async notify(
    type: WireType,
    fromUserId: string,
    toUserId: string,
    data: Record<string, unknown>,
    body?: string,
  ): Promise<void> {
    try {
      await this.dispatcher.dispatch({
        type,
        senderId: fromUserId,
        recipientIds: [toUserId],
        receiverId: toUserId,
        body,
        data,
        storeInHistory: false,
      });
    } catch (error) {
      this.logger.warn({ err: error, type, toUserId }, 'notification not delivered');
    }
  }

  /** One notification to many users (e.g. a group's admins, or the whole group): one message, one seq each. */
  async notifyMany(
    type: WireType,
    fromUserId: string,
    recipientIds: string[],
    data: Record<string, unknown>,
    options: { body?: string; groupId?: string } = {},
  ): Promise<void> {
    const unique = [...new Set(recipientIds)];
    if (!unique.length) return;
    try {
      await this.dispatcher.dispatch({
        type,
        senderId: fromUserId,
        recipientIds: unique,
        ...(options.groupId && { groupId: options.groupId }),
        body: options.body,
        data,
        storeInHistory: false,
      });
    } catch (error) {
      this.logger.warn({ err: error, type, recipients: unique.length }, 'notification not delivered');
    }
  }
}
