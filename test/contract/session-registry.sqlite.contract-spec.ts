import { EmbeddedDatabase, SqliteSessionRegistry } from '@app/embedded';
import { sessionRegistryContract } from './suites/session-registry.contract';

describe('SessionRegistry — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  sessionRegistryContract({
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteSessionRegistry(db);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});
