import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

@Entity('blocks')
export class BlockEntity {
  @PrimaryColumn({ name: 'blocker_id', type: 'varchar', length: 36 })
  blockerId: string;

  @Index()
  @PrimaryColumn({ name: 'blocked_id', type: 'varchar', length: 36 })
  blockedId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
