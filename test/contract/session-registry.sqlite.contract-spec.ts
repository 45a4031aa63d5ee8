import { EmbeddedDatabase, SqliteSessionRegistry } from '@app/embedded';
import { ManualTimeline } from '@app/testing';
import { sessionRegistryContract } from './suites/session-registry.contract';

describe('SessionRegistry — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  // the adapter takes the injected clock: expiry is passed at once, not waited for
  const timeline = new ManualTimeline();
  sessionRegistryContract({
    timeline,
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteSessionRegistry(db, timeline);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
