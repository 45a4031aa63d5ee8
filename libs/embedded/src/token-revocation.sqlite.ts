import { Clock, systemClock, TokenRevocationStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

/**
 * Revoked token ids in SQLite, mirrored in memory: every request checks its token, and this process is the only
 * writer of the file, so the mirror (loaded at boot, written through) answers without a query.
 */
export class SqliteTokenRevocationStore implements TokenRevocationStore {
  private readonly insert: Statement;
  private readonly purge: Statement;
  /** token id → expiry (ms); entries past their expiry are dropped as they are met, and swept as the map grows. */
  private readonly revoked = new Map<string, number>();
  private sweepAtSize = 1024;

  constructor(
    database: EmbeddedDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.insert = database.db.prepare('INSERT OR REPLACE INTO revoked_token (token_id, expires_at) VALUES (?, ?)');
    this.purge = database.db.prepare('DELETE FROM revoked_token WHERE expires_at < ?');
    const live = database.db.prepare('SELECT token_id, expires_at FROM revoked_token WHERE expires_at > ?');
    for (const row of live.iterate(this.clock.now()) as Iterable<{ token_id: string; expires_at: number }>)
      this.revoked.set(row.token_id, row.expires_at);
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    this.purge.run(now);
    if (expiresAt <= now) return;
    this.insert.run(tokenId, expiresAt);
    this.revoked.set(tokenId, expiresAt);
    if (this.revoked.size >= this.sweepAtSize) this.sweep(now);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const expiresAt = this.revoked.get(tokenId);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.clock.now()) return true;
    this.revoked.delete(tokenId);
    return false;
  }

  private sweep(now: number): void {
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(id);
    this.sweepAtSize = Math.max(1024, this.revoked.size * 2);
  }
}
