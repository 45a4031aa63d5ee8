import {
  BatchOutcome,
  ConsumerGroup,
  HISTORY_STORE,
  HistoryRecord,
  HistoryStore,
  INBOX_STORE,
  InboxStore,
  MessageEnvelope,
  PartialWriteError,
} from '@app/core';
import { metrics } from '@app/platform';
import { Controller, Inject, Injectable } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

const STORED: BatchOutcome = { failed: [] };

/**
 * The two consumer groups' work (see docs/architecture.md, 'The path of one message'), a batch at a time: offline
 * writes every recipient's inbox entry in one Redis script (watermark-checked, all or nothing), history indexes the
 * chat messages in one Elasticsearch `_bulk` (id = messageId) and reports the entries it could not store. Both are
 * idempotent: redelivery is harmless.
 */
@Injectable()
export class StorageConsumers {
  constructor(
    @Inject(INBOX_STORE) private readonly inbox: InboxStore,
    @Inject(HISTORY_STORE) private readonly history: HistoryStore,
  ) {}

  async storeOffline(batch: MessageEnvelope[]): Promise<BatchOutcome> {
    // a discard carries no recipients: its seqs were burnt, which the inbox already knows
    const writes = batch.flatMap(({ message, recipients }) => {
      const payload = JSON.stringify(message);
      const createdAt = Date.parse(message.createdAt);
      return recipients.map((r) => ({ userId: r.userId, seq: r.seq, payload, createdAt }));
    });
    metrics.inboxWrites.inc(await this.inbox.append(writes));
    return STORED;
  }

  async storeHistory(batch: MessageEnvelope[]): Promise<BatchOutcome> {
    const records = batch.filter((e) => e.storeInHistory && !e.discard).map(toHistoryRecord);
    const discarded = batch.filter((e) => e.discard).map((e) => e.message.messageId);
    if (!records.length && !discarded.length) return STORED;
    try {
      await this.history.index(records);
      // after the writes of the same batch: a discard wins whichever arrived first
      await this.history.discard(discarded);
      return STORED;
    } catch (error) {
      if (!(error instanceof PartialWriteError)) throw error;
      const retry = new Set(error.failedIds);
      return { failed: batch.flatMap((e, i) => (retry.has(e.message.messageId) ? [i] : [])) };
    }
  }
}

/** storage-worker: the consumer groups as `@EventPattern` handlers of the RocketMQ transport (RocketMqServer). */
@Controller()
export class StorageEventsController {
  constructor(private readonly consumers: StorageConsumers) {}

  @EventPattern(ConsumerGroup.Offline)
  storeOffline(@Payload() batch: MessageEnvelope[]): Promise<BatchOutcome> {
    return this.consumers.storeOffline(batch);
  }

  @EventPattern(ConsumerGroup.History)
  storeHistory(@Payload() batch: MessageEnvelope[]): Promise<BatchOutcome> {
    return this.consumers.storeHistory(batch);
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
