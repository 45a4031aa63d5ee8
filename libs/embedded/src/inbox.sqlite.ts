import { Clock, InboxRead, InboxStore, InboxWrite, SeqAllocation, StoredInboxEntry, systemClock } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

/**
 * From this many recipients, a message's payload is stored once and their entries point at it. A 5,000-member
 * group's entries then dirty a fraction of the pages (bench:group with DEPLOYMENT=standalone); a 1:1 message (the
 * receiver and the sender's copy) keeps its payload inline, one row cheaper.
 */
const SHARED_PAYLOAD_FROM = 3;
/** How often a fan-out also deletes the shared payloads past retention (their entries are past it too). */
const PAYLOAD_SWEEP_EVERY_MS = 60_000;

interface SequenceRow {
  head: number;
  watermark: number;
}

/** Offline inbox on SQLite; every operation is one synchronous transaction, so it is atomic like the Redis Lua. */
export class SqliteInboxStore implements InboxStore {
  private readonly st: Record<string, Statement>;
  /** Each user's last allocated seq, loaded at boot; the table is written with it in the same transaction. */
  private heads = new Map<string, number>();
  private lastPayloadSweep = 0;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly options: { retentionMs: number },
    private readonly clock: Clock = systemClock,
  ) {
    const db = database.db;
    this.st = {
      setHead: db.prepare(
        `INSERT INTO inbox_sequence (user_id, head) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET head = excluded.head`,
      ),
      head: db.prepare('SELECT head FROM inbox_sequence WHERE user_id = ?').pluck(),
      sequence: db.prepare('SELECT head, watermark FROM inbox_sequence WHERE user_id = ?'),
      addPending: db.prepare('INSERT OR IGNORE INTO inbox_pending (user_id, seq, deadline) VALUES (?, ?, ?)'),
      // a confirmed seq waits for its write at most one retention, then it is forgotten (its message has expired)
      confirm: db.prepare('UPDATE inbox_pending SET confirmed = 1, deadline = ? WHERE user_id = ? AND seq = ?'),
      dropPending: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND seq = ?'),
      pendingOne: db.prepare('SELECT confirmed FROM inbox_pending WHERE user_id = ? AND seq = ?'),
      entryWritten: db
        .prepare('SELECT payload IS NOT NULL OR payload_id IS NOT NULL FROM inbox_entry WHERE user_id = ? AND seq = ?')
        .pluck(),
      insertEntry: db.prepare(
        'INSERT OR IGNORE INTO inbox_entry (user_id, seq, payload, created_at) VALUES (?, ?, ?, ?)',
      ),
      insertSharedEntry: db.prepare(
        'INSERT OR IGNORE INTO inbox_entry (user_id, seq, payload_id, created_at) VALUES (?, ?, ?, ?)',
      ),
      insertPayload: db.prepare('INSERT INTO inbox_payload (payload, created_at) VALUES (?, ?)'),
      dropExpiredPayloads: db.prepare('DELETE FROM inbox_payload WHERE created_at < ?'),
      expiredPending: db.prepare(
        'SELECT seq FROM inbox_pending WHERE user_id = ? AND confirmed = 0 AND deadline < ? ORDER BY seq',
      ),
      forgetConfirmed: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND confirmed = 1 AND deadline < ?'),
      pending: db.prepare('SELECT seq FROM inbox_pending WHERE user_id = ? AND seq > ? ORDER BY seq'),
      entries: db.prepare(
        `SELECT e.seq, COALESCE(e.payload, p.payload) AS payload, e.created_at AS createdAt
           FROM inbox_entry e LEFT JOIN inbox_payload p ON p.id = e.payload_id
          WHERE e.user_id = ? AND e.seq > ? AND (e.payload IS NOT NULL OR e.payload_id IS NOT NULL OR e.seq > ?)
            AND e.created_at >= ? ORDER BY e.seq LIMIT ?`,
      ),
      setWatermark: db.prepare('UPDATE inbox_sequence SET watermark = ? WHERE user_id = ?'),
      // a burnt placeholder outlives the ack (until the retention), so a late settle can tell it from a written seq
      dropEntriesUpTo: db.prepare(
        'DELETE FROM inbox_entry WHERE user_id = ? AND seq <= ? AND (payload IS NOT NULL OR payload_id IS NOT NULL)',
      ),
      dropPendingUpTo: db.prepare('DELETE FROM inbox_pending WHERE user_id = ? AND seq <= ?'),
      dropExpired: db.prepare('DELETE FROM inbox_entry WHERE user_id = ? AND created_at < ?'),
    };
    for (const { user_id, head } of db.prepare('SELECT user_id, head FROM inbox_sequence').iterate() as Iterable<{
      user_id: string;
      head: number;
    }>)
      this.heads.set(user_id, head);
    // a rolled-back allocation must not stay allocated in memory: reload lazily from the table
    database.writes.onRollback(() => (this.heads = new Map()));
  }

  async allocate(userIds: string[], inflightDeadline: number): Promise<SeqAllocation[]> {
    return this.database.writes.submit(() =>
      userIds.map((userId) => {
        const seq = this.nextSeq(userId);
        this.st.addPending.run(userId, seq, inflightDeadline);
        return { userId, seq };
      }),
    );
  }

  async confirm(allocations: SeqAllocation[]): Promise<'confirmed' | 'void'> {
    const forgetAt = this.clock.now() + this.options.retentionMs;
    return this.database.writes.submit(() => {
      let lost = false;
      for (const a of allocations) {
        // only a seq still pending is confirmed; a burnt placeholder (payload NULL) means this try lost
        if (this.st.confirm.run(forgetAt, a.userId, a.seq).changes === 0)
          lost ||= this.st.entryWritten.get(a.userId, a.seq) === 0;
      }
      return lost ? 'void' : 'confirmed';
    });
  }

  async burn(allocations: SeqAllocation[]): Promise<void> {
    const now = this.clock.now();
    await this.database.writes.submit(() => allocations.forEach((a) => this.burnOne(a.userId, a.seq, now)));
  }

  async settle(allocations: SeqAllocation[]): Promise<'published' | 'void'> {
    const now = this.clock.now();
    return this.database.writes.submit(() => {
      const pending = allocations.map(
        (a) => this.st.pendingOne.get(a.userId, a.seq) as { confirmed: number } | undefined,
      );
      // any seq written or confirmed proves the message was published; one acked (its entry dropped) was written
      // unless its burnt placeholder is still there
      const published = allocations.some((a, i) => {
        if (pending[i]?.confirmed === 1) return true;
        const written = this.st.entryWritten.get(a.userId, a.seq) as number | undefined;
        if (written !== undefined) return written === 1;
        return !pending[i] && a.seq <= this.sequenceOf(a.userId).watermark;
      });
      allocations.forEach((a, i) => {
        if (!pending[i]) return;
        if (published) this.st.confirm.run(now + this.options.retentionMs, a.userId, a.seq);
        else this.burnOne(a.userId, a.seq, now);
      });
      return published ? 'published' : 'void';
    });
  }

  async append(writes: InboxWrite[]): Promise<number> {
    return this.database.writes.submit(() => this.appendNow(writes));
  }

  /** `append` for a caller already inside a write of the group commit (the one-process send journal). */
  appendNow(writes: InboxWrite[]): number {
    const oldest = this.clock.now() - this.options.retentionMs;
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
  }

  async read(userId: string, afterSeq: number, limit: number): Promise<InboxRead> {
    const now = this.clock.now();
    return this.database.writes.submit(() => {
      for (const { seq } of this.st.expiredPending.all(userId, now) as { seq: number }[])
        this.burnOne(userId, seq, now);
      this.st.forgetConfirmed.run(userId, now);
      this.st.dropExpired.run(userId, now - this.options.retentionMs);
      const { head, watermark } = this.sequenceOf(userId);
      const rows = this.st.entries.all(
        userId,
        afterSeq,
        watermark,
        now - this.options.retentionMs,
        limit + 1,
      ) as StoredInboxEntry[];
      const pending = (this.st.pending.all(userId, afterSeq) as { seq: number }[]).map((r) => r.seq);
      return { entries: rows.slice(0, limit), pending, headSeq: head, watermark, hasMore: rows.length > limit };
    });
  }

  async ack(userId: string, seq: number): Promise<{ watermark: number }> {
    return this.database.writes.submit(() => {
      const { head, watermark } = this.sequenceOf(userId);
      const next = Math.max(watermark, Math.min(seq, head));
      if (next !== watermark) {
        this.st.setWatermark.run(next, userId);
        this.st.dropEntriesUpTo.run(userId, next);
        this.st.dropPendingUpTo.run(userId, next);
      }
      return { watermark: next };
    });
  }

  async ping(): Promise<void> {
    this.database.ping();
  }

  /**
   * Allocates seqs and writes their entries at once, for a caller inside a write of the group commit whose message
   * commits in that same transaction (the one-process send journal): nothing is pending, confirmed or burnt.
   */
  writeNewNow(userIds: string[], payload: string, createdAt: number): SeqAllocation[] {
    if (userIds.length < SHARED_PAYLOAD_FROM)
      return userIds.map((userId) => {
        const seq = this.nextSeq(userId);
        this.st.insertEntry.run(userId, seq, payload, createdAt);
        return { userId, seq };
      });
    this.sweepPayloads();
    const payloadId = this.st.insertPayload.run(payload, createdAt).lastInsertRowid;
    return userIds.map((userId) => {
      const seq = this.nextSeq(userId);
      this.st.insertSharedEntry.run(userId, seq, payloadId, createdAt);
      return { userId, seq };
    });
  }

  /** Shared payloads past retention go, now and then: every entry pointing at one is past retention too. */
  private sweepPayloads(): void {
    const now = this.clock.now();
    if (now - this.lastPayloadSweep < PAYLOAD_SWEEP_EVERY_MS) return;
    this.lastPayloadSweep = now;
    this.st.dropExpiredPayloads.run(now - this.options.retentionMs);
  }

  /** The next seq of a user, in memory and in the table (the caller's transaction). */
  private nextSeq(userId: string): number {
    let head = this.heads.get(userId);
    if (head === undefined) head = (this.st.head.get(userId) as number | undefined) ?? 0;
    head += 1;
    this.st.setHead.run(userId, head);
    this.heads.set(userId, head);
    return head;
  }

  private burnOne(userId: string, seq: number, now: number): void {
    if (seq > this.sequenceOf(userId).watermark) this.st.insertEntry.run(userId, seq, null, now);
    this.st.dropPending.run(userId, seq);
  }

  private sequenceOf(userId: string): SequenceRow {
    return (this.st.sequence.get(userId) as SequenceRow | undefined) ?? { head: 0, watermark: 0 };
  }
}
