import { EmbeddedDatabase, SqliteLastSeenStore } from '@app/embedded';
import { lastSeenStoreContract } from './suites/last-seen-store.contract';

describe('LastSeenStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  lastSeenStoreContract({
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteLastSeenStore(db);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
