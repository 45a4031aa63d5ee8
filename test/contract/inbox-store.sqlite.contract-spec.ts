import { EmbeddedDatabase, SqliteInboxStore } from '@app/embedded';
import { inboxStoreContract } from './suites/inbox-store.contract';

describe('InboxStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  inboxStoreContract({
    create: async ({ retentionMs }) => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteInboxStore(db, { retentionMs });
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
