import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Group invitations share the join-request table: a row with `invited_by` set was started by a manager and is decided
 * by the invitee; without it, an application decided by the managers. One pending row per (group, user) either way.
 */
export class GroupInvitations1764100000000 implements MigrationInterface {
  name = 'GroupInvitations1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'group_join_requests',
      new TableColumn({ name: 'invited_by', type: 'varchar', length: '36', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('group_join_requests', 'invited_by');
  }
}
