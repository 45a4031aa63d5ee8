import {
  EmbeddedDatabase,
  SqliteHistoryStore,
  SqliteInboxStore,
  SqliteSendDedupStore,
  SqliteSendJournal,
} from '@app/embedded';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJournalContract } from './suites/send-journal.contract';

describe('SendJournal — SQLite (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'send-journal-'));
  let db: EmbeddedDatabase | undefined;
  const open = async () => {
    db?.close();
    db = new EmbeddedDatabase(join(dir, 'messages.sqlite'));
    const inbox = new SqliteInboxStore(db, { retentionMs: 3600_000 });
    const history = new SqliteHistoryStore(db);
    return { journal: new SqliteSendJournal(db, inbox, history, new SqliteSendDedupStore(db)), inbox, history };
  };
  sendJournalContract({
    create: open,
    reopen: open,
    close: async () => {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
