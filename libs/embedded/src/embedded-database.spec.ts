import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from './embedded-database';

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
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE inbox_entry (user_id TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT,
                created_at INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
              CREATE INDEX inbox_entry_created ON inbox_entry (created_at);
              CREATE TABLE inbox_sequence (user_id TEXT PRIMARY KEY, head INTEGER NOT NULL DEFAULT 0,
                watermark INTEGER NOT NULL DEFAULT 0);`);
    old.prepare("INSERT INTO inbox_entry VALUES ('u1', 1, '{}', 1)").run();
    old.close();
    // pretend schema steps 1 to 6 ran: only the step that drops the index is left (and 6's column, added here)
    const upgraded = new Database(file);
    upgraded.exec('ALTER TABLE inbox_entry ADD COLUMN payload_id INTEGER');
    upgraded.pragma('user_version = 6');
    upgraded.close();

    const db = new EmbeddedDatabase(file);
    try {
      expect(indexes(db)).not.toContain('inbox_entry_created');
      expect(db.db.prepare('SELECT user_id, seq FROM inbox_entry').all()).toEqual([{ user_id: 'u1', seq: 1 }]);
      expect(pragma(db, 'user_version')).toBe(7);
    } finally {
      db.close();
    }
  });
});
