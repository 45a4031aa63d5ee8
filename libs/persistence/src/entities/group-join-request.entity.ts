import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

export type GroupJoinRequestStatus = 'pending' | 'approved' | 'rejected';

@Entity('group_join_requests')
@Index('group_join_requests_one_pending', ['groupId', 'userId'], { unique: true, where: "status = 'pending'" })
export class GroupJoinRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'group_id', type: 'varchar', length: 36 })
  groupId: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  message: string | null;

  /** Set for an invitation (decided by the invitee); null for an application (decided by the managers). */
  @Column({ name: 'invited_by', type: 'varchar', length: 36, nullable: true })
  invitedBy: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: GroupJoinRequestStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'decided_at', type: 'bigint', nullable: true, transformer: epochMs })
  decidedAt: number | null;
}
