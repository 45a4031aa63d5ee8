import { SequentialSendAdmission } from '@app/core';
import { EmbeddedDatabase, SqliteInboxStore, SqliteSendDedupStore } from '@app/embedded';
import { sendAdmissionContract } from './suites/send-admission.contract';

describe('SendAdmission — sequential over the SQLite stores (embedded)', () => {
  let db: EmbeddedDatabase;
  sendAdmissionContract({
    create: async () => {
      db = new EmbeddedDatabase(':memory:');
      const dedup = new SqliteSendDedupStore(db);
      const inbox = new SqliteInboxStore(db, { retentionMs: 3 * 24 * 3600_000 });
      return { admission: new SequentialSendAdmission(dedup, inbox), dedup, inbox };
    },
    close: async () => db.close(),
  });
});
