import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase, SCHEMA_STEPS } from './embedded-database';
import { SqliteHistoryStore } from './history.sqlite';
import { SqliteInboxStore } from './inbox.sqlite';
import type { CheckpointReport } from './wal-checkpointer';

// the file on disk: what a new database is created with, and what an existing one becomes on an upgrade
describe('EmbeddedDatabase — the file', () => {
  let dir: string;
  let file: string;
  const pragma = (db: EmbeddedDatabase, name: string) => db.db.pragma(name, { simple: true });
  const indexes = (db: EmbeddedDatabase) =>
    db.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbox_entry'").pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-embedded-'));
    file = join(dir, 'switchboard.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new database in WAL mode, without the unused created_at index', () => {
    const db = new EmbeddedDatabase(file);
    try {
      expect(pragma(db, 'journal_mode')).toBe('wal');
      expect(indexes(db)).not.toContain('inbox_entry_created');
    } finally {
      db.close();
    }
  });

  it('opens a database made by an older version: same rows, the created_at index dropped', () => {
    olderDatabase(6, (old) =>
      old.prepare("INSERT INTO inbox_entry (user_id, seq, payload, created_at) VALUES ('u1', 1, '{}', 1)").run(),
    );

    const db = new EmbeddedDatabase(file);
    try {
      expect(indexes(db)).not.toContain('inbox_entry_created');
      expect(db.db.prepare('SELECT user_id, seq FROM inbox_entry JOIN inbox_user USING (user_key)').all()).toEqual([
        { user_id: 'u1', seq: 1 },
      ]);
      expect(pragma(db, 'user_version')).toBe(SCHEMA_STEPS.length);
    } finally {
      db.close();
    }
  });

  it('keeps history indexed by an older version searchable, recallable and forgettable beside new rows', async () => {
    // version 7 indexed each row in its insert's transaction (trigger history_ai into history_fts)
    olderDatabase(7, (old) => {
      const insert = old.prepare(
        `INSERT INTO history (message_id, conversation_id, type, sender_id, receiver_id, participants, body, created_at)
         VALUES (?, 'c1', 1, 'u1', 'u2', '["u1","u2"]', ?, 1)`,
      );
      insert.run('m1', 'hello from the old version');
      insert.run('m2', 'hello again, old version');
      old.prepare("INSERT INTO history_participant (message_id, user_id) VALUES ('m1', 'u1'), ('m2', 'u1')").run();
    });

    const db = new EmbeddedDatabase(file);
    try {
      const history = new SqliteHistoryStore(db);
      const scope = { userId: 'u1', groupIds: [] };
      const search = async (text: string) =>
        (await history.search({ text, scope, limit: 10 })).map((r) => r.messageId).sort();
      await history.index([
        {
          messageId: 'm3',
          type: 1,
          conversationId: 'c1',
          senderId: 'u1',
          receiverId: 'u2',
          participants: ['u1', 'u2'],
          body: 'hello from the new version',
          createdAt: 2,
        },
      ]);
      expect(await search('hello')).toEqual(['m1', 'm2', 'm3']);
      await history.markRecalled('m1');
      await history.discard(['m2']);
      expect(await search('old')).toEqual([]);
      expect(await search('version')).toEqual(['m3']);
      // FTS5's own check that its index matches the content table: a 'delete' of text never indexed would break it
      expect(() =>
        db.db.prepare("INSERT INTO history_fts (history_fts) VALUES ('integrity-check')").run(),
      ).not.toThrow();
    } finally {
      db.close();
    }
  });

  it("keeps an older version's inboxes (keyed by user id) whole: entries, shared payloads, pending seqs, heads, watermarks", async () => {
    olderDatabase(8, (old) => {
      old.prepare("INSERT INTO inbox_sequence (user_id, head, watermark) VALUES ('u1', 3, 1), ('u2', 8, 7)").run();
      old.prepare("INSERT INTO inbox_payload (id, payload, created_at) VALUES (1, 'shared', ?)").run(Date.now());
      old
        .prepare(
          `INSERT INTO inbox_entry (user_id, seq, payload, payload_id, created_at)
           VALUES ('u1', 2, 'two', NULL, ?), ('u1', 3, NULL, 1, ?), ('orphan', 4, 'four', NULL, ?)`,
        )
        .run(Date.now(), Date.now(), Date.now());
      old.prepare("INSERT INTO inbox_pending (user_id, seq, deadline) VALUES ('u2', 8, ?)").run(Date.now() + 60_000);
    });

    const db = new EmbeddedDatabase(file);
    try {
      const inbox = new SqliteInboxStore(db, { retentionMs: 3 * 24 * 3600_000 });
      const u1 = await inbox.read('u1', 0, 10);
      expect(u1.entries.map((e) => [e.seq, e.payload])).toEqual([
        [2, 'two'],
        [3, 'shared'],
      ]);
      expect([u1.headSeq, u1.watermark]).toEqual([3, 1]);
      const u2 = await inbox.read('u2', 7, 10);
      expect([u2.headSeq, u2.watermark, u2.pending]).toEqual([8, 7, [8]]);
      // an inbox with entries but no sequence row gets its head from them, so no seq is handed out twice
      expect((await inbox.read('orphan', 0, 10)).entries.map((e) => e.seq)).toEqual([4]);
      expect(await inbox.allocate(['u1', 'u2', 'orphan', 'new'], Date.now() + 60_000)).toEqual([
        { userId: 'u1', seq: 4 },
        { userId: 'u2', seq: 9 },
        { userId: 'orphan', seq: 5 },
        { userId: 'new', seq: 1 },
      ]);
      expect(db.db.prepare("SELECT name FROM sqlite_master WHERE name = 'inbox_sequence'").all()).toEqual([]);
    } finally {
      db.close();
      await db.checkpointer?.exited;
    }
  });

  it("checkpoints a file's WAL on a worker thread, and its rows are all there after close and reopen", async () => {
    const db = new EmbeddedDatabase(file);
    let reopened: EmbeddedDatabase | undefined;
    try {
      const checkpointer = db.checkpointer!;
      expect(checkpointer.running).toBe(true);
      const reports: CheckpointReport[] = [];
      checkpointer.onCheckpoint((report) => reports.push(report));
      const insert = db.db.prepare('INSERT INTO inbox_entry (user_key, seq, payload, created_at) VALUES (1, ?, ?, 1)');
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => db.writes.submit(() => insert.run(i + 1, 'x'.repeat(2000)))),
      );
      // the WAL holds every page those commits wrote; the worker copies them all into the file on its next tick
      const copiedAll = await until(() => reports.some((r) => r.log > 100 && r.checkpointed === r.log));
      expect(copiedAll).toBe(true);
      expect(checkpointer.running).toBe(true);

      db.close();
      await checkpointer.exited;
      expect(checkpointer.running).toBe(false);
      reopened = new EmbeddedDatabase(file);
      expect(reopened.db.prepare('SELECT count(*) FROM inbox_entry').pluck().get()).toBe(500);
    } finally {
      db.close();
      reopened?.close();
      await reopened?.checkpointer?.exited;
    }
  });

  it('runs no checkpoint worker for an in-memory database, which has no WAL', () => {
    const db = new EmbeddedDatabase(':memory:');
    try {
      expect(db.checkpointer).toBeUndefined();
    } finally {
      db.close();
    }
  });

  /** Polls `condition` until it holds or a generous bound passes (the box may be busy); resolves with the outcome. */
  async function until(condition: () => boolean, boundMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + boundMs;
    while (!condition()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  /** A database file as version `version` left it, with `fill`'s rows. */
  function olderDatabase(version: number, fill: (old: Database.Database) => void): void {
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    SCHEMA_STEPS.slice(0, version).forEach((step) => old.exec(step));
    old.pragma(`user_version = ${version}`);
    fill(old);
    old.close();
  }
});
