import { EmbeddedDatabase, SqliteTokenRevocationStore } from '@app/embedded';
import { ManualTimeline } from '@app/testing';
import { tokenRevocationStoreContract } from './suites/token-revocation-store.contract';

describe('TokenRevocationStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  // the adapter takes the injected clock: expiry is passed at once, not waited for
  const timeline = new ManualTimeline();
  tokenRevocationStoreContract({
    timeline,
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteTokenRevocationStore(db, timeline);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
