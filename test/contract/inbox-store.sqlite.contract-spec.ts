import { EmbeddedDatabase, SqliteInboxStore } from '@app/embedded';
import { ManualTimeline } from '@app/testing';
import { inboxStoreContract } from './suites/inbox-store.contract';

describe('InboxStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  // the adapter takes the injected clock: retention and in-flight deadlines are passed at once, not waited for
  const timeline = new ManualTimeline();
  inboxStoreContract({
    timeline,
    create: async ({ retentionMs }) => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteInboxStore(db, { retentionMs }, timeline);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
