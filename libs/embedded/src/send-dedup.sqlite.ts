import { DedupClaim, SendDedupStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

/** Send dedup on SQLite so that a retry after a restart still finds the first answer. */
export class SqliteSendDedupStore implements SendDedupStore {
  private readonly get: Statement;
  private readonly upsert: Statement;
  private readonly remove: Statement;
  private readonly purge: Statement;
  private writes = 0;

  constructor(private readonly database: EmbeddedDatabase) {
    const db = database.db;
    this.get = db.prepare(
      'SELECT result, expires_at AS expiresAt FROM send_dedup WHERE sender_id = ? AND client_msg_id = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO send_dedup (sender_id, client_msg_id, result, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (sender_id, client_msg_id) DO UPDATE SET result = excluded.result, expires_at = excluded.expires_at`,
    );
    this.remove = db.prepare('DELETE FROM send_dedup WHERE sender_id = ? AND client_msg_id = ?');
    this.purge = db.prepare('DELETE FROM send_dedup WHERE expires_at < ?');
  }

  async claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim> {
    const now = Date.now();
    return this.database.db.transaction((): DedupClaim => {
      const row = this.get.get(senderId, clientMsgId) as { result: string | null; expiresAt: number } | undefined;
      if (row && row.expiresAt > now)
        return row.result === null ? { status: 'in-progress' } : { status: 'done', result: row.result };
      this.upsert.run(senderId, clientMsgId, null, now + inProgressTtlMs);
      this.purgeNowAndThen(now);
      return { status: 'claimed' };
    })();
  }

  async complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void> {
    this.upsert.run(senderId, clientMsgId, result, Date.now() + ttlMs);
  }

  async release(senderId: string, clientMsgId: string): Promise<void> {
    this.remove.run(senderId, clientMsgId);
  }

  /** Expired keys are harmless (ignored on read); sweep them now and then to bound the table. */
  private purgeNowAndThen(now: number): void {
    if (++this.writes % 1000 === 0) this.purge.run(now);
  }
}
