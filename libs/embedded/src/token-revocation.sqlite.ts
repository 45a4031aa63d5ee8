import { Clock, ExpiringSet, systemClock, TokenRevocationStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

/**
 * Revoked token ids in SQLite, mirrored in memory: every request checks its token, and this process is the only
 * writer of the file, so the mirror (loaded at boot, written through) answers without a query.
 */
export class SqliteTokenRevocationStore implements TokenRevocationStore {
  private readonly insert: Statement;
  private readonly purge: Statement;
  private readonly revoked: ExpiringSet;

  constructor(
    database: EmbeddedDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.insert = database.db.prepare('INSERT OR REPLACE INTO revoked_token (token_id, expires_at) VALUES (?, ?)');
    this.purge = database.db.prepare('DELETE FROM revoked_token WHERE expires_at < ?');
    this.revoked = new ExpiringSet(clock);
    const live = database.db.prepare('SELECT token_id, expires_at FROM revoked_token WHERE expires_at > ?');
    for (const row of live.iterate(this.clock.now()) as Iterable<{ token_id: string; expires_at: number }>)
      this.revoked.add(row.token_id, row.expires_at);
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    this.purge.run(now);
    if (expiresAt <= now) return;
    this.insert.run(tokenId, expiresAt);
    this.revoked.add(tokenId, expiresAt);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.revoked.has(tokenId);
  }
}
