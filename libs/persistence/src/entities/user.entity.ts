import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  username: string;

  /** Lower-cased username: uniqueness and lookup ignore case. */
  @Column({ name: 'username_key', type: 'varchar', length: 32, unique: true })
  usernameKey: string;

  @Column({ type: 'varchar', length: 64 })
  nickname: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
