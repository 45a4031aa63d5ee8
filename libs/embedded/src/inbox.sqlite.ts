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

/**
 * A user's head as the tables record it: the column (written by allocations that leave no entry yet, and before expiry
 * deletes entries), the watermark (acks drop entries only up to it) or the newest entry. Row alias `u`.
 */
const RECOVERED_HEAD = `max(u.head, u.watermark,
  coalesce((SELECT max(e.seq) FROM inbox_entry e WHERE e.user_key = u.user_key), 0))`;

/** A user's inbox key (see schema step 9) and last allocated seq, kept in memory once read. */
interface InboxUser {
  key: number;
  head: number;
}

/** Offline inbox on SQLite; every operation is one synchronous transaction, so it is atomic like the Redis Lua. */
export class SqliteInboxStore implements InboxStore {
  private readonly st: Record<string, Statement>;
  /**
   * Each user's key and head, loaded at boot (and after a rollback). The head is the truth here: an allocation that
   * writes its entry in the same transaction (`writeNewNow`) does not update `inbox_user.head`, since the entry carries
   * the seq; the head is recovered as the highest of the column, the watermark and the user's newest entry, and
   * written to the column before anything deletes entries above the watermark.
   */
  private users = new Map<string, InboxUser>();
  private lastPayloadSweep = 0;

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly options: { retentionMs: number },
    private readonly clock: Clock = systemClock,
  ) {
    const db = database.db;
    this.st = {
      findUser: db.prepare(`SELECT user_key AS key, ${RECOVERED_HEAD} AS head FROM inbox_user u WHERE user_id = ?`),
      addUser: db.prepare('INSERT INTO inbox_user (user_id) VALUES (?) RETURNING user_key AS key, head'),
      setHead: db.prepare('UPDATE inbox_user SET head = ? WHERE user_key = ?'),
      watermark: db.prepare('SELECT watermark FROM inbox_user WHERE user_key = ?').pluck(),
      addPending: db.prepare('INSERT OR IGNORE INTO inbox_pending (user_key, seq, deadline) VALUES (?, ?, ?)'),
      // a confirmed seq waits for its write at most one retention, then it is forgotten (its message has expired)
      confirm: db.prepare('UPDATE inbox_pending SET confirmed = 1, deadline = ? WHERE user_key = ? AND seq = ?'),
      dropPending: db.prepare('DELETE FROM inbox_pending WHERE user_key = ? AND seq = ?'),
      pendingOne: db.prepare('SELECT confirmed FROM inbox_pending WHERE user_key = ? AND seq = ?'),
      entryWritten: db
        .prepare('SELECT payload IS NOT NULL OR payload_id IS NOT NULL FROM inbox_entry WHERE user_key = ? AND seq = ?')
        .pluck(),
      insertEntry: db.prepare(
        'INSERT OR IGNORE INTO inbox_entry (user_key, seq, payload, created_at) VALUES (?, ?, ?, ?)',
      ),
      insertSharedEntry: db.prepare(
        'INSERT OR IGNORE INTO inbox_entry (user_key, seq, payload_id, created_at) VALUES (?, ?, ?, ?)',
      ),
      insertPayload: db.prepare('INSERT INTO inbox_payload (payload, created_at) VALUES (?, ?)'),
      dropExpiredPayloads: db.prepare('DELETE FROM inbox_payload WHERE created_at < ?'),
      expiredPending: db.prepare(
        'SELECT seq FROM inbox_pending WHERE user_key = ? AND confirmed = 0 AND deadline < ? ORDER BY seq',
      ),
      forgetConfirmed: db.prepare('DELETE FROM inbox_pending WHERE user_key = ? AND confirmed = 1 AND deadline < ?'),
      pending: db.prepare('SELECT seq FROM inbox_pending WHERE user_key = ? AND seq > ? ORDER BY seq'),
      entries: db.prepare(
        `SELECT e.seq, COALESCE(e.payload, p.payload) AS payload, e.created_at AS createdAt
           FROM inbox_entry e LEFT JOIN inbox_payload p ON p.id = e.payload_id
          WHERE e.user_key = ? AND e.seq > ? AND (e.payload IS NOT NULL OR e.payload_id IS NOT NULL OR e.seq > ?)
            AND e.created_at >= ? ORDER BY e.seq LIMIT ?`,
      ),
      setWatermark: db.prepare('UPDATE inbox_user SET watermark = ? WHERE user_key = ?'),
      // a burnt placeholder outlives the ack (until the retention), so a late settle can tell it from a written seq
      dropEntriesUpTo: db.prepare(
        'DELETE FROM inbox_entry WHERE user_key = ? AND seq <= ? AND (payload IS NOT NULL OR payload_id IS NOT NULL)',
      ),
      dropPendingUpTo: db.prepare('DELETE FROM inbox_pending WHERE user_key = ? AND seq <= ?'),
      dropExpired: db.prepare('DELETE FROM inbox_entry WHERE user_key = ? AND created_at < ?'),
    };
    for (const { user_id, key, head } of db
      .prepare(`SELECT user_id, user_key AS key, ${RECOVERED_HEAD} AS head FROM inbox_user u`)
      .iterate() as Iterable<InboxUser & { user_id: string }>)
      this.users.set(user_id, { key, head });
    // a rolled-back allocation (or a key handed out in it) must not stay in memory: reload lazily from the table
    database.writes.onRollback(() => (this.users = new Map()));
  }

  async allocate(userIds: string[], inflightDeadline: number): Promise<SeqAllocation[]> {
    return this.database.writes.submit(() =>
      userIds.map((userId) => {
        const { key, seq } = this.nextSeq(userId);
        this.st.addPending.run(key, seq, inflightDeadline);
        return { userId, seq };
      }),
    );
  }

  async confirm(allocations: SeqAllocation[]): Promise<'confirmed' | 'void'> {
    const forgetAt = this.clock.now() + this.options.retentionMs;
    return this.database.writes.submit(() => {
      let lost = false;
      for (const a of allocations) {
        const key = this.user(a.userId).key;
        // only a seq still pending is confirmed; a burnt placeholder (payload NULL) means this try lost
        if (this.st.confirm.run(forgetAt, key, a.seq).changes === 0) lost ||= this.st.entryWritten.get(key, a.seq) === 0;
      }
      return lost ? 'void' : 'confirmed';
    });
  }

  async burn(allocations: SeqAllocation[]): Promise<void> {
    const now = this.clock.now();
    await this.database.writes.submit(() => allocations.forEach((a) => this.burnOne(this.user(a.userId).key, a.seq, now)));
  }

  async settle(allocations: SeqAllocation[]): Promise<'published' | 'void'> {
    const now = this.clock.now();
    return this.database.writes.submit(() => {
      const keys = allocations.map((a) => this.user(a.userId).key);
      const pending = allocations.map(
        (a, i) => this.st.pendingOne.get(keys[i], a.seq) as { confirmed: number } | undefined,
      );
      // any seq written or confirmed proves the message was published; one acked (its entry dropped) was written
      // unless its burnt placeholder is still there
      const published = allocations.some((a, i) => {
        if (pending[i]?.confirmed === 1) return true;
        const written = this.st.entryWritten.get(keys[i], a.seq) as number | undefined;
        if (written !== undefined) return written === 1;
        return !pending[i] && a.seq <= this.watermarkOf(keys[i]);
      });
      allocations.forEach((a, i) => {
        if (!pending[i]) return;
        if (published) this.st.confirm.run(now + this.options.retentionMs, keys[i], a.seq);
        else this.burnOne(keys[i], a.seq, now);
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
      const key = this.user(w.userId).key;
      // a redelivery after the ack, or a message already past retention, is not written
      if (w.seq <= this.watermarkOf(key) || w.createdAt < oldest) {
        this.st.dropPending.run(key, w.seq);
        continue;
      }
      written += this.st.insertEntry.run(key, w.seq, w.payload, w.createdAt).changes;
      this.st.dropPending.run(key, w.seq);
    }
    return written;
  }

  async read(userId: string, afterSeq: number, limit: number): Promise<InboxRead> {
    const now = this.clock.now();
    return this.database.writes.submit(() => {
      const user = this.knownUser(userId);
      if (!user) return { entries: [], pending: [], headSeq: 0, watermark: 0, hasMore: false };
      const { key, head } = user;
      for (const { seq } of this.st.expiredPending.all(key, now) as { seq: number }[]) this.burnOne(key, seq, now);
      this.st.forgetConfirmed.run(key, now);
      // expiry may delete the newest entry, which is where the head was recovered from
      if (this.st.dropExpired.run(key, now - this.options.retentionMs).changes > 0) this.st.setHead.run(head, key);
      const watermark = this.watermarkOf(key);
      const rows = this.st.entries.all(
        key,
        afterSeq,
        watermark,
        now - this.options.retentionMs,
        limit + 1,
      ) as StoredInboxEntry[];
      const pending = (this.st.pending.all(key, afterSeq) as { seq: number }[]).map((r) => r.seq);
      return { entries: rows.slice(0, limit), pending, headSeq: head, watermark, hasMore: rows.length > limit };
    });
  }

  async ack(userId: string, seq: number): Promise<{ watermark: number }> {
    return this.database.writes.submit(() => {
      const user = this.knownUser(userId);
      // a user with no inbox has head 0: nothing to ack
      if (!user) return { watermark: 0 };
      const { key, head } = user;
      const watermark = this.watermarkOf(key);
      // entries are dropped only up to the new watermark, so the head stays recoverable
      const next = Math.max(watermark, Math.min(seq, head));
      if (next !== watermark) {
        this.st.setWatermark.run(next, key);
        this.st.dropEntriesUpTo.run(key, next);
        this.st.dropPendingUpTo.run(key, next);
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
        const { key, seq } = this.nextSeqOfEntry(userId);
        this.st.insertEntry.run(key, seq, payload, createdAt);
        return { userId, seq };
      });
    this.sweepPayloads();
    const payloadId = this.st.insertPayload.run(payload, createdAt).lastInsertRowid;
    return userIds.map((userId) => {
      const { key, seq } = this.nextSeqOfEntry(userId);
      this.st.insertSharedEntry.run(key, seq, payloadId, createdAt);
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

  /** The next seq of a user, in memory and in the table (the caller's transaction), with the user's key. */
  private nextSeq(userId: string): { key: number; seq: number } {
    const user = this.user(userId);
    user.head += 1;
    this.st.setHead.run(user.head, user.key);
    return { key: user.key, seq: user.head };
  }

  /**
   * The next seq of a user whose entry with that seq the caller writes in the same transaction: in memory only, as
   * the entry records it (one statement less per recipient, and no `inbox_user` page dirtied per send).
   */
  private nextSeqOfEntry(userId: string): { key: number; seq: number } {
    const user = this.user(userId);
    user.head += 1;
    return { key: user.key, seq: user.head };
  }

  /** A user's inbox row, added (in the caller's transaction) on their first allocation. */
  private user(userId: string): InboxUser {
    const known = this.knownUser(userId);
    if (known) return known;
    const added = this.st.addUser.get(userId) as InboxUser;
    this.users.set(userId, added);
    return added;
  }

  private knownUser(userId: string): InboxUser | undefined {
    let user = this.users.get(userId);
    if (!user) {
      user = this.st.findUser.get(userId) as InboxUser | undefined;
      if (user) this.users.set(userId, user);
    }
    return user;
  }

  private burnOne(key: number, seq: number, now: number): void {
    if (seq > this.watermarkOf(key)) this.st.insertEntry.run(key, seq, null, now);
    this.st.dropPending.run(key, seq);
  }

  private watermarkOf(key: number): number {
    return (this.st.watermark.get(key) as number | undefined) ?? 0;
  }
}
