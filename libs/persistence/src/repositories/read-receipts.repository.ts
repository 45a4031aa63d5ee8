import { TranslateUnavailable } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupMemberEntity, ReadWatermarkEntity } from '../entities';
import { inTransaction } from '../transaction-runner';
import { isPostgresUnavailable } from '../postgres-unavailable';

export interface AdvanceResult {
  /** True if this call moved the watermark. */
  advanced: boolean;
  /** The watermark after the call. */
  messageId: string;
}

/** Read watermarks: per (user, conversation), the newest messageId read; they never move back. */
@Injectable()
@TranslateUnavailable('postgres', isPostgresUnavailable)
export class ReadReceiptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Moves the watermark to `messageId` unless it is already there or further, in one atomic upsert (a conditional
   * ON CONFLICT update): concurrent calls cannot move it back, whatever order they commit in.
   */
  async advance(userId: string, conversationId: string, messageId: string, now: number): Promise<AdvanceResult> {
    const p = this.dataSource.options.type === 'postgres' ? (i: number) => `$${i}` : () => '?';
    const rows: unknown = await inTransaction(this.dataSource, (tx) =>
      tx.query(
        `INSERT INTO read_watermarks (user_id, conversation_id, message_id, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})
         ON CONFLICT (user_id, conversation_id) DO UPDATE SET message_id = excluded.message_id, updated_at = excluded.updated_at
         WHERE read_watermarks.message_id < excluded.message_id
         RETURNING message_id`,
        [userId, conversationId, messageId, now],
      ),
    );
    if (Array.isArray(rows) && rows.length > 0) return { advanced: true, messageId };
    return { advanced: false, messageId: (await this.watermark(userId, conversationId)) ?? messageId };
  }

  async watermark(userId: string, conversationId: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(ReadWatermarkEntity).findOneBy({ userId, conversationId });
    return row?.messageId ?? null;
  }

  /**
   * How many users other than `exceptUserId` have read `conversationId` up to `messageId` or further. For a group
   * (`groupId` given) only its current members count.
   */
  async countReaders(
    conversationId: string,
    messageId: string,
    exceptUserId: string,
    groupId?: string,
  ): Promise<number> {
    const query = this.dataSource
      .getRepository(ReadWatermarkEntity)
      .createQueryBuilder('w')
      .where('w.conversation_id = :conversationId AND w.message_id >= :messageId AND w.user_id <> :exceptUserId', {
        conversationId,
        messageId,
        exceptUserId,
      });
    if (groupId !== undefined)
      query.andWhere(
        (qb) =>
          `EXISTS ${qb
            .subQuery()
            .select('1')
            .from(GroupMemberEntity, 'm')
            .where('m.group_id = :groupId AND m.user_id = w.user_id')
            .getQuery()}`,
        { groupId },
      );
    return query.getCount();
  }
}
