import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const epoch = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });
const references = (column: string, table: string) => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});

/** Groups, members and join requests; the schema builder keeps it dialect-neutral (SQLite and PostgreSQL). */
export class Groups1763900000000 implements MigrationInterface {
  name = 'Groups1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'groups',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          id('owner_id'),
          epoch('created_at'),
          epoch('dissolved_at', true),
        ],
        foreignKeys: [references('owner_id', 'users')],
      }),
    );
    await q.createIndex('groups', new TableIndex({ name: 'groups_owner', columnNames: ['owner_id'] }));
    await q.createTable(
      new Table({
        name: 'group_members',
        columns: [
          { ...id('group_id'), isPrimary: true },
          { ...id('user_id'), isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          epoch('joined_at'),
        ],
        foreignKeys: [references('group_id', 'groups'), references('user_id', 'users')],
      }),
    );
    await q.createIndex('group_members', new TableIndex({ name: 'group_members_user', columnNames: ['user_id'] }));
    await q.createTable(
      new Table({
        name: 'group_join_requests',
        columns: [
          { ...id('id'), isPrimary: true },
          id('group_id'),
          id('user_id'),
          { name: 'message', type: 'varchar', length: '500', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          epoch('created_at'),
          epoch('decided_at', true),
        ],
        foreignKeys: [references('group_id', 'groups'), references('user_id', 'users')],
      }),
    );
    await q.createIndices('group_join_requests', [
      new TableIndex({ name: 'group_join_requests_group', columnNames: ['group_id'] }),
      new TableIndex({ name: 'group_join_requests_user', columnNames: ['user_id'] }),
      new TableIndex({
        name: 'group_join_requests_one_pending',
        columnNames: ['group_id', 'user_id'],
        isUnique: true,
        where: "status = 'pending'",
      }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['group_join_requests', 'group_members', 'groups']) await q.dropTable(table);
  }
}
