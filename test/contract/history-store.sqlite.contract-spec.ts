import { HistoryRecord, newTimeOrderedId } from '@app/core';
import { EmbeddedDatabase, SqliteHistoryStore } from '@app/embedded';
import { directConversationId, WireType } from '@app/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// the SQLite adapter's own: a new row reaches the FTS index through a backlog, indexed in batches
describe('HistoryStore — SQLite: the FTS backlog', () => {
  let dir: string;
  let file: string;
  const scope = { userId: 'u1', groupIds: [] };
  const backlogOf = (db: EmbeddedDatabase) => db.db.prepare('SELECT count(*) FROM history_fts_backlog').pluck().get();
  const integrityCheck = (db: EmbeddedDatabase) =>
    db.db.prepare("INSERT INTO history_fts (history_fts) VALUES ('integrity-check')").run();
  const found = async (history: SqliteHistoryStore, text: string) =>
    (await history.search({ text, scope, limit: 10 })).map((r) => r.body);
  const record = (body: string): HistoryRecord => ({
    messageId: newTimeOrderedId(),
    type: WireType.FriendMessage,
    conversationId: directConversationId('u1', 'u2'),
    senderId: 'u1',
    receiverId: 'u2',
    participants: ['u1', 'u2'],
    body,
    createdAt: Date.now(),
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-history-'));
    file = join(dir, 'switchboard.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the FTS index consistent when a row is recalled or discarded before it was indexed', async () => {
    const db = new EmbeddedDatabase(':memory:');
    try {
      const history = new SqliteHistoryStore(db);
      const [recalled, discarded, kept] = [record('alpha recalled'), record('alpha discarded'), record('alpha kept')];
      await history.index([recalled, discarded, kept]);
      await history.markRecalled(recalled.messageId);
      await history.discard([discarded.messageId]);
      expect(backlogOf(db)).toBe(2);

      expect(await found(history, 'alpha')).toEqual(['alpha kept']);
      expect(backlogOf(db)).toBe(0);
      expect(() => integrityCheck(db)).not.toThrow();
      // and once indexed, a recall takes the text out of the index
      await history.markRecalled(kept.messageId);
      expect(await found(history, 'alpha')).toEqual([]);
      expect(() => integrityCheck(db)).not.toThrow();
    } finally {
      db.close();
    }
  });

  it('indexes the backlog on its own, without waiting for a search', async () => {
    const db = new EmbeddedDatabase(file);
    try {
      await new SqliteHistoryStore(db).index([record('beta on the timer')]);
      const deadline = Date.now() + 30_000;
      while (backlogOf(db) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(backlogOf(db)).toBe(0);
      const indexed = db.db.prepare("SELECT rowid FROM history_fts WHERE history_fts MATCH 'beta'").all();
      expect(indexed).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('indexes after a restart what a crash left in the backlog', async () => {
    const before = new EmbeddedDatabase(file);
    // written and committed, then the process "dies": nothing ran the backlog
    new SqliteHistoryStore(before).indexNow([record('gamma left behind')]);
    expect(backlogOf(before)).toBe(1);
    before.close();

    const after = new EmbeddedDatabase(file);
    try {
      expect(await found(new SqliteHistoryStore(after), 'gamma')).toEqual(['gamma left behind']);
      expect(() => integrityCheck(after)).not.toThrow();
    } finally {
      after.close();
    }
  });
});
