import { InboxRead, InboxStore, InboxWrite, SeqAllocation, StoredInboxEntry } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

interface SequenceRow {
  head: number;
  watermark: number;
}

/** Offline inbox on SQLite; every operation is one synchronous transaction, so it is atomic like the Redis Lua. */
export class SqliteInboxStore implements InboxStore {
  private readonly st: Record<string, Statement>;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly options: { retentionMs: number },
  ) {
    const db = database.db;
    this.st = {
      bump: db.prepare(
        `INSERT INTO inbox_sequence (user_id, head) VALUES (?, 1)
         ON CONFLICT (user_id) DO UPDATE SET head = head + 1 RETURNING head`,
      ),
      sequence: db.prepare('SELECT head, watermark FROM inbox_sequence WHERE user_id = ?'),
      addPending: db.prepare('INSERT OR IGNORE INTO inbox_pending (user_id, seq, deadline) VALUES (?, ?, ?)'),
      // a confirmed seq waits for its write at most one retention, then it is forgotten (its message has expired)
      confirm: db.prepare('UPDATE inbox_pending SET confirmed = 1, deadline = ? WHERE user_id = ? AND seq = ?'),
      dropPending: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND seq = ?'),
      pendingOne: db.prepare('SELECT confirmed FROM inbox_pending WHERE user_id = ? AND seq = ?'),
      written: db.prepare('SELECT 1 FROM inbox_entry WHERE user_id = ? AND seq = ? AND payload IS NOT NULL'),
      insertEntry: db.prepare(
        'INSERT OR IGNORE INTO inbox_entry (user_id, seq, payload, created_at) VALUES (?, ?, ?, ?)',
      ),
      expiredPending: db.prepare(
        'SELECT seq FROM inbox_pending WHERE user_id = ? AND confirmed = 0 AND deadline < ? ORDER BY seq',
      ),
      forgetConfirmed: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND confirmed = 1 AND deadline < ?'),
      pending: db.prepare('SELECT seq FROM inbox_pending WHERE user_id = ? AND seq > ? ORDER BY seq'),
      entries: db.prepare(
        'SELECT seq, payload, created_at AS createdAt FROM inbox_entry WHERE user_id = ? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT ?',
      ),
      setWatermark: db.prepare('UPDATE inbox_sequence SET watermark = ? WHERE user_id = ?'),
      dropEntriesUpTo: db.prepare('DELETE FROM inbox_entry WHERE user_id = ? AND seq <= ?'),
      dropPendingUpTo: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND seq <= ?'),
      dropExpired: db.prepare('DELETE FROM inbox_entry WHERE user_id = ? AND created_at < ?'),
    };
  }

  async allocate(userIds: string[], inflightDeadline: number): Promise<SeqAllocation[]> {
    return this.database.db.transaction(() =>
      userIds.map((userId) => {
        const { head } = this.st.bump.get(userId) as SequenceRow;
        this.st.addPending.run(userId, head, inflightDeadline);
        return { userId, seq: head };
      }),
    )();
  }

  async confirm(allocations: SeqAllocation[]): Promise<void> {
    const forgetAt = Date.now() + this.options.retentionMs;
    this.database.db.transaction(() => allocations.forEach((a) => this.st.confirm.run(forgetAt, a.userId, a.seq)))();
  }

  async burn(allocations: SeqAllocation[]): Promise<void> {
    const now = Date.now();
    this.database.db.transaction(() => allocations.forEach((a) => this.burnOne(a.userId, a.seq, now)))();
  }

  async settle(allocations: SeqAllocation[]): Promise<'published' | 'void'> {
    const now = Date.now();
    return this.database.db.transaction(() => {
      const pending = allocations.map(
        (a) => this.st.pendingOne.get(a.userId, a.seq) as { confirmed: number } | undefined,
      );
      // any seq written or confirmed proves the message was published
      const published = allocations.some(
        (a, i) => pending[i]?.confirmed === 1 || this.st.written.get(a.userId, a.seq) !== undefined,
      );
      allocations.forEach((a, i) => {
        if (!pending[i]) return;
        if (published) this.st.confirm.run(now + this.options.retentionMs, a.userId, a.seq);
        else this.burnOne(a.userId, a.seq, now);
      });
      return published ? 'published' : 'void';
    })();
  }

  async append(writes: InboxWrite[]): Promise<number> {
    const oldest = Date.now() - this.options.retentionMs;
    return this.database.db.transaction(() => {
      let written = 0;
      for (const w of writes) {
        // a redelivery after the ack, or a message already past retention, is not written
        if (w.seq <= this.sequenceOf(w.userId).watermark || w.createdAt < oldest) {
          this.st.dropPending.run(w.userId, w.seq);
          continue;
        }
        written += this.st.insertEntry.run(w.userId, w.seq, w.payload, w.createdAt).changes;
        this.st.dropPending.run(w.userId, w.seq);
      }
      return written;
    })();
  }

  async read(userId: string, afterSeq: number, limit: number): Promise<InboxRead> {
    const now = Date.now();
    return this.database.db.transaction(() => {
      for (const { seq } of this.st.expiredPending.all(userId, now) as { seq: number }[])
        this.burnOne(userId, seq, now);
      this.st.forgetConfirmed.run(userId, now);
      this.st.dropExpired.run(userId, now - this.options.retentionMs);
      const { head, watermark } = this.sequenceOf(userId);
      const rows = this.st.entries.all(
        userId,
        afterSeq,
        now - this.options.retentionMs,
        limit + 1,
      ) as StoredInboxEntry[];
      const pending = (this.st.pending.all(userId, afterSeq) as { seq: number }[]).map((r) => r.seq);
      return { entries: rows.slice(0, limit), pending, headSeq: head, watermark, hasMore: rows.length > limit };
    })();
  }

  async ack(userId: string, seq: number): Promise<{ watermark: number }> {
    return this.database.db.transaction(() => {
      const { head, watermark } = this.sequenceOf(userId);
      const next = Math.max(watermark, Math.min(seq, head));
      if (next !== watermark) {
        this.st.setWatermark.run(next, userId);
        this.st.dropEntriesUpTo.run(userId, next);
        this.st.dropPendingUpTo.run(userId, next);
      }
      return { watermark: next };
    })();
  }

  async ping(): Promise<void> {
    this.database.ping();
  }

  private burnOne(userId: string, seq: number, now: number): void {
    if (seq > this.sequenceOf(userId).watermark) this.st.insertEntry.run(userId, seq, null, now);
    this.st.dropPending.run(userId, seq);
  }

  private sequenceOf(userId: string): SequenceRow {
    return (this.st.sequence.get(userId) as SequenceRow | undefined) ?? { head: 0, watermark: 0 };
  }
}
