import { EmbeddedDatabase, SqliteHistoryStore } from '@app/embedded';
import { historyStoreContract } from './suites/history-store.contract';

describe('HistoryStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  historyStoreContract({
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteHistoryStore(db);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
