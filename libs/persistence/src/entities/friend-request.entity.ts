import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

export type FriendRequestStatus = 'pending' | 'accepted' | 'rejected';

@Entity('friend_requests')
@Index('friend_requests_one_pending_per_pair', ['pairKey'], { unique: true, where: "status = 'pending'" })
export class FriendRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'from_user_id', type: 'varchar', length: 36 })
  fromUserId: string;

  @Index()
  @Column({ name: 'to_user_id', type: 'varchar', length: 36 })
  toUserId: string;

  /** Both user ids in order: one pending request per pair whichever side asked. */
  @Column({ name: 'pair_key', type: 'varchar', length: 80 })
  pairKey: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  message: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: FriendRequestStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'decided_at', type: 'bigint', nullable: true, transformer: epochMs })
  decidedAt: number | null;
}
