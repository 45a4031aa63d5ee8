import {
  BusSubscription,
  ConsumerGroup,
  HISTORY_STORE,
  HistoryRecord,
  HistoryStore,
  INBOX_STORE,
  InboxStore,
  MESSAGE_BUS,
  MessageBus,
  MessageEnvelope,
} from '@app/core';
import { metrics } from '@app/platform';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * storage-worker's two consumer groups (DESIGN §3 step 7): history indexes chat messages (id = messageId), offline
 * writes each recipient's inbox entry (watermark-checked in the store). Both are idempotent, so redelivery is harmless.
 */
@Injectable()
export class StorageConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions: BusSubscription[] = [];

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOX_STORE) private readonly inbox: InboxStore,
    @Inject(HISTORY_STORE) private readonly history: HistoryStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions.push(await this.bus.subscribe(ConsumerGroup.Offline, (batch) => this.storeOffline(batch)));
    this.subscriptions.push(await this.bus.subscribe(ConsumerGroup.History, (batch) => this.storeHistory(batch)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  async storeOffline(batch: MessageEnvelope[]): Promise<void> {
    const writes = batch.flatMap(({ message, recipients }) => {
      const payload = JSON.stringify(message);
      const createdAt = Date.parse(message.createdAt);
      return recipients.map((r) => ({ userId: r.userId, seq: r.seq, payload, createdAt }));
    });
    metrics.inboxWrites.inc(await this.inbox.append(writes));
  }

  async storeHistory(batch: MessageEnvelope[]): Promise<void> {
    const records = batch.filter((e) => e.storeInHistory).map(toHistoryRecord);
    if (records.length) await this.history.index(records);
  }
}

export function toHistoryRecord({ message }: MessageEnvelope): HistoryRecord {
  return {
    messageId: message.messageId,
    type: message.type,
    conversationId: message.conversationId ?? '',
    senderId: message.senderId ?? '',
    ...(message.receiverId && { receiverId: message.receiverId }),
    ...(message.groupId && { groupId: message.groupId }),
    participants: message.groupId ? [] : [message.senderId, message.receiverId].filter((p): p is string => !!p),
    body: message.body ?? '',
    createdAt: Date.parse(message.createdAt),
  };
}
