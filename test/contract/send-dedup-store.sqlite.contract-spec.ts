import { EmbeddedDatabase, SqliteSendDedupStore } from '@app/embedded';
import { sendDedupStoreContract } from './suites/send-dedup-store.contract';

describe('SendDedupStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  sendDedupStoreContract({
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteSendDedupStore(db);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
