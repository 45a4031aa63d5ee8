import { Clock, DedupClaim, SendDedupStore, systemClock } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

interface DedupRow {
  result: string | null;
  attempt: string | null;
  claimedUntil: number | null;
  expiresAt: number;
}

/**
 * Send dedup on SQLite so that a retry after a restart still finds the first answer. A row is a claim (`result` and
 * `attempt` null, expiring with the claim), a claim with its noted attempt (kept past `claimed_until` for a takeover),
 * or an answer (`result`).
 */
export class SqliteSendDedupStore implements SendDedupStore {
  private readonly get: Statement;
  private readonly upsert: Statement;
  private readonly note: Statement;
  private readonly takeOver: Statement;
  private readonly remove: Statement;
  private readonly purge: Statement;
  private writes = 0;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    const db = database.db;
    this.get = db.prepare(
      `SELECT result, attempt, claimed_until AS claimedUntil, expires_at AS expiresAt
       FROM send_dedup WHERE sender_id = ? AND client_msg_id = ?`,
    );
    this.upsert = db.prepare(
      `INSERT INTO send_dedup (sender_id, client_msg_id, result, attempt, claimed_until, expires_at)
       VALUES (@senderId, @clientMsgId, @result, NULL, @claimedUntil, @expiresAt)
       ON CONFLICT (sender_id, client_msg_id) DO UPDATE SET result = excluded.result, attempt = NULL,
         claimed_until = excluded.claimed_until, expires_at = excluded.expires_at`,
    );
    this.note = db.prepare(
      `UPDATE send_dedup SET attempt = ?, expires_at = ?
       WHERE sender_id = ? AND client_msg_id = ? AND result IS NULL AND claimed_until > ?`,
    );
    this.takeOver = db.prepare('UPDATE send_dedup SET claimed_until = ? WHERE sender_id = ? AND client_msg_id = ?');
    this.remove = db.prepare('DELETE FROM send_dedup WHERE sender_id = ? AND client_msg_id = ? AND result IS NULL');
    this.purge = db.prepare('DELETE FROM send_dedup WHERE expires_at < ?');
  }

  async claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim> {
    const now = this.clock.now();
    return this.database.writes.submit((): DedupClaim => {
      const row = this.get.get(senderId, clientMsgId) as DedupRow | undefined;
      if (row && row.expiresAt > now) {
        if (row.result !== null) return { status: 'done', result: row.result };
        if ((row.claimedUntil ?? row.expiresAt) > now) return { status: 'in-progress' };
        if (row.attempt !== null) {
          // its holder died after noting the attempt: the caller holds the key now, and settles the attempt
          this.takeOver.run(now + inProgressTtlMs, senderId, clientMsgId);
          return { status: 'taken-over', attempt: row.attempt };
        }
      }
      this.upsert.run({
        senderId,
        clientMsgId,
        result: null,
        claimedUntil: now + inProgressTtlMs,
        expiresAt: now + inProgressTtlMs,
      });
      this.purgeNowAndThen(now);
      return { status: 'claimed' };
    });
  }

  async recordAttempt(senderId: string, clientMsgId: string, attempt: string, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    await this.database.writes.submit(() => this.note.run(attempt, now + ttlMs, senderId, clientMsgId, now));
  }

  async complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void> {
    await this.database.writes.submit(() => this.completeNow(senderId, clientMsgId, result, ttlMs));
  }

  async release(senderId: string, clientMsgId: string): Promise<void> {
    await this.database.writes.submit(() => this.remove.run(senderId, clientMsgId));
  }

  /**
   * For a caller inside a write of the group commit (the one-process send journal, where the answer commits with
   * the message, so there is no claim to hold): the stored answer of this key, if any.
   */
  answerNow(senderId: string, clientMsgId: string): string | undefined {
    const row = this.get.get(senderId, clientMsgId) as DedupRow | undefined;
    return row && row.result !== null && row.expiresAt > this.clock.now() ? row.result : undefined;
  }

  /** `complete` for a caller inside a write of the group commit. */
  completeNow(senderId: string, clientMsgId: string, result: string, ttlMs: number): void {
    const now = this.clock.now();
    this.upsert.run({ senderId, clientMsgId, result, claimedUntil: null, expiresAt: now + ttlMs });
    this.purgeNowAndThen(now);
  }

  /** Expired keys are harmless (ignored on read); sweep them now and then to bound the table. */
  private purgeNowAndThen(now: number): void {
    if (++this.writes % 1000 === 0) this.purge.run(now);
  }
}
