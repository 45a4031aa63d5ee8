import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

/**
 * How far a user has read a conversation: the newest messageId they read. messageIds are time-ordered UUIDv7 strings,
 * so a byte-wise comparison orders them (the column uses the C collation on PostgreSQL); it only moves forward.
 */
@Entity('read_watermarks')
@Index('read_watermarks_conversation', ['conversationId', 'messageId'])
export class ReadWatermarkEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 80 })
  conversationId: string;

  @Column({ name: 'message_id', type: 'varchar', length: 36 })
  messageId: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
