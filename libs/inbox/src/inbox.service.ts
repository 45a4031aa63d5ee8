import { INBOX_STORE, InboxStore, StoredInboxEntry } from '@app/core';
import { InboxPage, OutboundMessage, PushMessage, WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';

/** Reads and acknowledges a user's inbox; shared by the REST pull and the push node's replay. */
@Injectable()
export class InboxService {
  constructor(@Inject(INBOX_STORE) private readonly inbox: InboxStore) {}

  async read(userId: string, afterSeq: number, limit: number): Promise<InboxPage> {
    const read = await this.inbox.read(userId, afterSeq, limit);
    return {
      entries: read.entries.map(toPushMessage),
      pending: read.pending,
      headSeq: read.headSeq,
      watermark: read.watermark,
      hasMore: read.hasMore,
    };
  }

  ack(userId: string, seq: number): Promise<{ watermark: number }> {
    return this.inbox.ack(userId, seq);
  }
}

export function toPushMessage(entry: StoredInboxEntry): PushMessage {
  if (entry.payload === null) {
    return {
      type: WireType.SequenceBurnt,
      messageId: '',
      seq: entry.seq,
      createdAt: new Date(entry.createdAt).toISOString(),
    };
  }
  return { ...(JSON.parse(entry.payload) as OutboundMessage), seq: entry.seq };
}
