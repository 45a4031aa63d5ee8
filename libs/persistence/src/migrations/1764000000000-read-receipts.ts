import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Per-(user, conversation) read watermarks. No foreign key on the conversation: conversation ids are derived
 * (`d:{a}:{b}`, `g:{groupId}`), never stored. `message_id` compares byte-wise (C collation on PostgreSQL; SQLite's
 * default BINARY), which orders UUIDv7 ids by time whatever the database's locale.
 */
export class ReadReceipts1764000000000 implements MigrationInterface {
  name = 'ReadReceipts1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const bytewise = q.connection.options.type === 'postgres' ? { collation: 'C' } : {};
    await q.createTable(
      new Table({
        name: 'read_watermarks',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'conversation_id', type: 'varchar', length: '80', isPrimary: true, ...bytewise },
          { name: 'message_id', type: 'varchar', length: '36', ...bytewise },
          { name: 'updated_at', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex(
      'read_watermarks',
      new TableIndex({ name: 'read_watermarks_conversation', columnNames: ['conversation_id', 'message_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('read_watermarks');
  }
}
