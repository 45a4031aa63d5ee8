import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

export type GroupRole = 'owner' | 'admin' | 'member';

/** One row per (group, user): nobody is a member twice. */
@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId: string;

  @Index()
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  role: GroupRole;

  @Column({ name: 'joined_at', type: 'bigint', transformer: epochMs })
  joinedAt: number;
}
