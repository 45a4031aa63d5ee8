import { EmbeddedDatabase, SqliteTokenRevocationStore } from '@app/embedded';
import { tokenRevocationStoreContract } from './suites/token-revocation-store.contract';

describe('TokenRevocationStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  tokenRevocationStoreContract({
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteTokenRevocationStore(db);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
