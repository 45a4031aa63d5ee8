import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const epoch = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });

/** Written with TypeORM's schema builder so the same migration runs on SQLite and PostgreSQL. */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'username', type: 'varchar', length: '32' },
          { name: 'username_key', type: 'varchar', length: '32', isUnique: true },
          { name: 'nickname', type: 'varchar', length: '64' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          epoch('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'friend_requests',
        columns: [
          { ...id('id'), isPrimary: true },
          id('from_user_id'),
          id('to_user_id'),
          { name: 'pair_key', type: 'varchar', length: '80' },
          { name: 'message', type: 'varchar', length: '500', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          epoch('created_at'),
          epoch('decided_at', true),
        ],
        foreignKeys: [
          {
            columnNames: ['from_user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['to_user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndices('friend_requests', [
      new TableIndex({ name: 'friend_requests_from', columnNames: ['from_user_id'] }),
      new TableIndex({ name: 'friend_requests_to', columnNames: ['to_user_id'] }),
      new TableIndex({
        name: 'friend_requests_one_pending_per_pair',
        columnNames: ['pair_key'],
        isUnique: true,
        where: "status = 'pending'",
      }),
    ]);
    await q.createTable(
      new Table({
        name: 'friendships',
        columns: [
          { ...id('user_low_id'), isPrimary: true },
          { ...id('user_high_id'), isPrimary: true },
          epoch('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['user_low_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['user_high_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex('friendships', new TableIndex({ name: 'friendships_high', columnNames: ['user_high_id'] }));
    await q.createTable(
      new Table({
        name: 'blocks',
        columns: [
          { ...id('blocker_id'), isPrimary: true },
          { ...id('blocked_id'), isPrimary: true },
          epoch('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['blocker_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['blocked_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex('blocks', new TableIndex({ name: 'blocks_blocked', columnNames: ['blocked_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['blocks', 'friendships', 'friend_requests', 'users']) await q.dropTable(table);
  }
}
