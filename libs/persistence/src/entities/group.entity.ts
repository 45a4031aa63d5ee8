import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

/** A group. Dissolving keeps the row as a tombstone (`dissolvedAt`) and removes its members and pending requests. */
@Entity('groups')
export class GroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'dissolved_at', type: 'bigint', nullable: true, transformer: epochMs })
  dissolvedAt: number | null;
}
