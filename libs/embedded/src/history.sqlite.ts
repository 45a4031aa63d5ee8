import { HistoryPageQuery, HistoryRecord, HistoryScope, HistorySearchQuery, HistoryStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

interface HistoryRow {
  message_id: string;
  conversation_id: string;
  type: number;
  sender_id: string;
  receiver_id: string | null;
  group_id: string | null;
  participants: string;
  body: string;
  created_at: number;
  recalled: number;
}

/**
 * A row is in a user's scope when they are one of its participants (read from the row itself, a JSON array of one or
 * two ids) or it belongs to one of their groups. Both queries that use it read history rows first (FTS hits, or every
 * row by conversation), so a per-user index of participants would only cost a random B-tree leaf per participant on
 * every send (schema step 10).
 */
const SCOPE = `(EXISTS (SELECT 1 FROM json_each(h.participants) WHERE value = @userId)
  OR h.group_id IN (SELECT value FROM json_each(@groupIds)))`;

/**
 * History and full-text search on SQLite FTS5 (unicode61 tokenizer, diacritics folded). A new row reaches the FTS index
 * through a backlog, indexed in one batch before any search (so a search finds every message answered before it) and
 * every second: one FTS5 segment per batch instead of one per send's commit.
 */
export class SqliteHistoryStore implements HistoryStore {
  private readonly st: Record<string, Statement>;
  /** Rows may be waiting in history_fts_backlog (true at start: a crash may have left some). */
  private backlog = true;

  constructor(private readonly database: EmbeddedDatabase) {
    const db = database.db;
    // a rolled-back batch leaves its rows in the backlog
    database.writes.onRollback(() => (this.backlog = true));
    // a failure here is left to the next search, which surfaces it to its caller
    database.onHousekeeping(() => void this.indexBacklog().catch(() => undefined));
    this.st = {
      indexBacklog: db.prepare(
        `INSERT INTO history_fts (rowid, body) SELECT h.rowid, h.body FROM history_fts_backlog b
         JOIN history h ON h.rowid = b.history_rowid ORDER BY b.history_rowid`,
      ),
      clearBacklog: db.prepare('DELETE FROM history_fts_backlog'),
      insert: db.prepare(
        `INSERT OR IGNORE INTO history (message_id, conversation_id, type, sender_id, receiver_id, group_id, participants, body, created_at)
         SELECT @messageId, @conversationId, @type, @senderId, @receiverId, @groupId, @participants, @body, @createdAt
         WHERE NOT EXISTS (SELECT 1 FROM history_discarded WHERE message_id = @messageId)`,
      ),
      discard: db.prepare('INSERT OR IGNORE INTO history_discarded (message_id) VALUES (?)'),
      // history_ad takes the text out of the FTS index
      forget: db.prepare('DELETE FROM history WHERE message_id = ?'),
      find: db.prepare('SELECT * FROM history WHERE message_id = ?'),
      // the body update fires history_au, which takes the old text out of the FTS index
      recall: db.prepare(`UPDATE history SET recalled = 1, body = '' WHERE message_id = ? AND recalled = 0`),
      page: db.prepare(
        `SELECT * FROM history h WHERE conversation_id = @conversationId AND (@before IS NULL OR message_id < @before)
         ORDER BY message_id DESC LIMIT @limit`,
      ),
      search: db.prepare(
        `SELECT h.* FROM history_fts f JOIN history h ON h.rowid = f.rowid
         WHERE history_fts MATCH @match AND h.recalled = 0 AND ${SCOPE}
           AND (@conversationId IS NULL OR h.conversation_id = @conversationId)
         ORDER BY f.rank LIMIT @limit`,
      ),
      latest: db.prepare(
        `SELECT h.* FROM history h JOIN (
           SELECT conversation_id, MAX(message_id) AS last_id FROM history h WHERE ${SCOPE} GROUP BY conversation_id
         ) l ON h.message_id = l.last_id
         ORDER BY h.created_at DESC, h.message_id DESC LIMIT @limit`,
      ),
    };
  }

  async index(records: HistoryRecord[]): Promise<void> {
    await this.database.writes.submit(() => this.indexNow(records));
  }

  /** `index` for a caller already inside a write of the group commit (the one-process send journal). */
  indexNow(records: HistoryRecord[]): void {
    for (const r of records) {
      const inserted = this.st.insert.run({
        ...r,
        receiverId: r.receiverId ?? null,
        groupId: r.groupId ?? null,
        participants: JSON.stringify(r.participants),
      }).changes;
      if (inserted) this.backlog = true;
    }
  }

  private async indexBacklog(): Promise<void> {
    if (!this.backlog) return;
    await this.database.writes.submit(() => {
      this.st.indexBacklog.run();
      this.st.clearBacklog.run();
      this.backlog = false;
    });
  }

  async discard(messageIds: string[]): Promise<void> {
    if (!messageIds.length) return;
    await this.database.writes.submit(() => {
      for (const id of messageIds) {
        this.st.discard.run(id);
        this.st.forget.run(id);
      }
    });
  }

  async page(query: HistoryPageQuery): Promise<HistoryRecord[]> {
    const rows = this.st.page.all({
      conversationId: query.conversationId,
      before: query.before ?? null,
      limit: query.limit,
    });
    return (rows as HistoryRow[]).map(toRecord);
  }

  async find(messageId: string): Promise<HistoryRecord | undefined> {
    const row = this.st.find.get(messageId) as HistoryRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async markRecalled(messageId: string): Promise<boolean> {
    return this.database.writes.submit(
      () => this.st.recall.run(messageId).changes > 0 || this.st.find.get(messageId) !== undefined,
    );
  }

  async search(query: HistorySearchQuery): Promise<HistoryRecord[]> {
    const match = toFtsMatch(query.text);
    if (!match) return [];
    await this.indexBacklog();
    const rows = this.st.search.all({
      match,
      userId: query.scope.userId,
      groupIds: JSON.stringify(query.scope.groupIds),
      conversationId: query.conversationId ?? null,
      limit: query.limit,
    });
    return (rows as HistoryRow[]).map(toRecord);
  }

  async latestPerConversation(scope: HistoryScope, limit: number): Promise<HistoryRecord[]> {
    const rows = this.st.latest.all({ userId: scope.userId, groupIds: JSON.stringify(scope.groupIds), limit });
    return (rows as HistoryRow[]).map(toRecord);
  }

  async ping(): Promise<void> {
    this.database.ping();
  }
}

/** User text becomes a conjunction of quoted terms, so FTS5 operators in it are plain words. */
export function toFtsMatch(text: string): string {
  return text
    .split(/[\s"]+/u)
    .map((t) => t.trim())
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .map((t) => `"${t}"`)
    .join(' ');
}

function toRecord(row: HistoryRow): HistoryRecord {
  const record: HistoryRecord = {
    messageId: row.message_id,
    type: row.type,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    participants: JSON.parse(row.participants) as string[],
    body: row.body,
    createdAt: row.created_at,
  };
  if (row.receiver_id !== null) record.receiverId = row.receiver_id;
  if (row.group_id !== null) record.groupId = row.group_id;
  if (row.recalled) record.recalled = true;
  return record;
}
