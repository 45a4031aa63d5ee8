import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

/** One row per unordered pair (low id, high id): a pair cannot be friends twice. */
@Entity('friendships')
export class FriendshipEntity {
  @PrimaryColumn({ name: 'user_low_id', type: 'varchar', length: 36 })
  userLowId: string;

  @Index()
  @PrimaryColumn({ name: 'user_high_id', type: 'varchar', length: 36 })
  userHighId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
