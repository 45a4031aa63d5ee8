import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroupCommit } from './group-commit';
import { WalCheckpointer } from './wal-checkpointer';

/**
 * The embedded engine's own SQLite file: inbox, sequences, dedup, revocations, sessions and history. It is separate from the
 * relational store so that its statements, all synchronous and short, never interleave with a TypeORM transaction.
 * Each schema step runs once, tracked in `user_version`.
 */
export const SCHEMA_STEPS: string[] = [
  `CREATE TABLE inbox_sequence (user_id TEXT PRIMARY KEY, head INTEGER NOT NULL DEFAULT 0, watermark INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE inbox_entry (user_id TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
   CREATE INDEX inbox_entry_created ON inbox_entry (created_at);
   CREATE TABLE inbox_pending (user_id TEXT NOT NULL, seq INTEGER NOT NULL, deadline INTEGER NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
   CREATE TABLE send_dedup (sender_id TEXT NOT NULL, client_msg_id TEXT NOT NULL, result TEXT, expires_at INTEGER NOT NULL, PRIMARY KEY (sender_id, client_msg_id)) WITHOUT ROWID;
   CREATE TABLE revoked_token (token_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE history (rowid INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL, type INTEGER NOT NULL,
     sender_id TEXT NOT NULL, receiver_id TEXT, group_id TEXT, participants TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, recalled INTEGER NOT NULL DEFAULT 0);
   CREATE INDEX history_conversation ON history (conversation_id, message_id);
   CREATE TABLE history_participant (message_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (user_id, message_id)) WITHOUT ROWID;
   CREATE VIRTUAL TABLE history_fts USING fts5(body, content='history', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
   CREATE TRIGGER history_ai AFTER INSERT ON history BEGIN INSERT INTO history_fts(rowid, body) VALUES (new.rowid, new.body); END;
   CREATE TRIGGER history_au AFTER UPDATE OF body ON history BEGIN
     INSERT INTO history_fts(history_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
     INSERT INTO history_fts(rowid, body) VALUES (new.rowid, new.body);
   END;`,
  // 2: live sessions per user, for the multi-device policy
  `CREATE TABLE user_session (token_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, platform TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX user_session_user ON user_session (user_id, expires_at);
   CREATE INDEX user_session_expiry ON user_session (expires_at);`,
  // 3: when each user was last seen online
  `CREATE TABLE last_seen (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;`,
  // 4: a send's noted attempt, kept past its claim so that a retry can settle it (see SendDedupStore)
  `ALTER TABLE send_dedup ADD COLUMN attempt TEXT;
   ALTER TABLE send_dedup ADD COLUMN claimed_until INTEGER;`,
  // 5: messages whose send was voided: never in history, even when their write arrives after the discard
  `CREATE TABLE history_discarded (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
   CREATE TRIGGER history_ad AFTER DELETE ON history BEGIN
     INSERT INTO history_fts(history_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
   END;`,
  // 6: a fan-out's payload stored once, its members' entries pointing at it (an entry is written when it has either)
  `CREATE TABLE inbox_payload (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX inbox_payload_created ON inbox_payload (created_at);
   ALTER TABLE inbox_entry ADD COLUMN payload_id INTEGER;`,
  // 7: no query reads inbox_entry by created_at (expiry is per user, through the primary key), yet every entry written
  // or acked paid for this index's B-tree too
  `DROP INDEX inbox_entry_created;`,
  // 8: a send no longer writes the FTS index in its own transaction (a new FTS5 segment per commit, merged again and
  // again): its row joins a backlog that SqliteHistoryStore indexes in batches, before any search and every second.
  // Updates and deletes touch the FTS index only for rows already in it.
  `CREATE TABLE history_fts_backlog (history_rowid INTEGER PRIMARY KEY);
   DROP TRIGGER history_ai;
   DROP TRIGGER history_au;
   DROP TRIGGER history_ad;
   CREATE TRIGGER history_ai AFTER INSERT ON history BEGIN INSERT INTO history_fts_backlog (history_rowid) VALUES (new.rowid); END;
   CREATE TRIGGER history_au AFTER UPDATE OF body ON history
     WHEN NOT EXISTS (SELECT 1 FROM history_fts_backlog WHERE history_rowid = old.rowid) BEGIN
     INSERT INTO history_fts(history_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
     INSERT INTO history_fts(rowid, body) VALUES (new.rowid, new.body);
   END;
   CREATE TRIGGER history_ad AFTER DELETE ON history BEGIN
     INSERT INTO history_fts(history_fts, rowid, body)
       SELECT 'delete', old.rowid, old.body WHERE NOT EXISTS (SELECT 1 FROM history_fts_backlog WHERE history_rowid = old.rowid);
     DELETE FROM history_fts_backlog WHERE history_rowid = old.rowid;
   END;`,
  // 9: the inbox keyed by a small integer per user, not the 36-character id: a 5,000-member fan-out writes one entry
  // per member, spread over every leaf of inbox_entry, so the bytes each fan-out dirties (and the WAL and checkpoint
  // copy) follow the row size. A user's head and watermark move into inbox_user, which hands out the keys.
  `CREATE TABLE inbox_user (user_key INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE,
     head INTEGER NOT NULL DEFAULT 0, watermark INTEGER NOT NULL DEFAULT 0);
   INSERT INTO inbox_user (user_id, head, watermark) SELECT user_id, head, watermark FROM inbox_sequence;
   INSERT OR IGNORE INTO inbox_user (user_id, head) SELECT user_id, MAX(seq) FROM inbox_entry GROUP BY user_id;
   INSERT OR IGNORE INTO inbox_user (user_id, head) SELECT user_id, MAX(seq) FROM inbox_pending GROUP BY user_id;
   CREATE TABLE inbox_entry_v9 (user_key INTEGER NOT NULL, seq INTEGER NOT NULL, payload TEXT, payload_id INTEGER,
     created_at INTEGER NOT NULL, PRIMARY KEY (user_key, seq)) WITHOUT ROWID;
   INSERT INTO inbox_entry_v9 (user_key, seq, payload, payload_id, created_at)
     SELECT u.user_key, e.seq, e.payload, e.payload_id, e.created_at FROM inbox_entry e JOIN inbox_user u USING (user_id);
   CREATE TABLE inbox_pending_v9 (user_key INTEGER NOT NULL, seq INTEGER NOT NULL, deadline INTEGER NOT NULL,
     confirmed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_key, seq)) WITHOUT ROWID;
   INSERT INTO inbox_pending_v9 (user_key, seq, deadline, confirmed)
     SELECT u.user_key, p.seq, p.deadline, p.confirmed FROM inbox_pending p JOIN inbox_user u USING (user_id);
   DROP TABLE inbox_entry;
   DROP TABLE inbox_pending;
   DROP TABLE inbox_sequence;
   ALTER TABLE inbox_entry_v9 RENAME TO inbox_entry;
   ALTER TABLE inbox_pending_v9 RENAME TO inbox_pending;`,
  // 10: a history row's scope is read from its own participants column. The per-user index of them was read only
  // row by row after the row itself, yet cost every 1:1 send two random leaf pages (a quarter of a commit's WAL frames)
  `DROP TABLE history_participant;`,
];

/**
 * WAL pages before SQLite checkpoints on its own, inside a commit (a safety net: the checkpointer normally runs first).
 * The default of 1,000 made every ~20th send pay a checkpoint and its fsync on the event loop.
 */
const AUTOCHECKPOINT_PAGES = 16_000;
/** Housekeeping (the tasks of `onHousekeeping`) and the passive checkpoint this often, off the send path. */
const HOUSEKEEPING_EVERY_MS = 1000;

export class EmbeddedDatabase {
  readonly db: Database.Database;
  /** Group commit: every write of one event-loop turn, in one transaction. */
  readonly writes: GroupCommit;
  /** A file's passive checkpoints, on a worker thread (none for `:memory:`, which has no WAL). */
  readonly checkpointer?: WalCheckpointer;
  private readonly housekeeping: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.writes = new GroupCommit(this.db);
    let checkpointHere: Database.Statement | undefined;
    if (file !== ':memory:') {
      this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      checkpointHere = this.db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
      this.checkpointer = new WalCheckpointer(file, HOUSEKEEPING_EVERY_MS);
    }
    this.timer = setInterval(() => {
      if (!this.db.open) return;
      for (const task of this.housekeeping) task();
      // only when the worker could not run: the checkpoint's copy and fsync then block this loop
      if (!this.checkpointer?.running) checkpointHere?.run();
    }, HOUSEKEEPING_EVERY_MS);
    this.timer.unref();
  }

  /** `task` runs on the housekeeping timer, until close; its writes go through `writes` like any other. */
  onHousekeeping(task: () => void): void {
    this.housekeeping.push(task);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let step = current; step < SCHEMA_STEPS.length; step++) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA_STEPS[step]);
        this.db.pragma(`user_version = ${step + 1}`);
      })();
    }
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    clearInterval(this.timer);
    this.checkpointer?.stop();
    this.writes.flush();
    if (this.db.open) this.db.close();
  }
}
