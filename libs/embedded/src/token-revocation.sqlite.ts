import { Clock, systemClock, TokenRevocationStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

export class SqliteTokenRevocationStore implements TokenRevocationStore {
  private readonly insert: Statement;
  private readonly lookup: Statement;
  private readonly purge: Statement;

  constructor(
    database: EmbeddedDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.insert = database.db.prepare('INSERT OR REPLACE INTO revoked_token (token_id, expires_at) VALUES (?, ?)');
    this.lookup = database.db.prepare('SELECT 1 FROM revoked_token WHERE token_id = ? AND expires_at > ?');
    this.purge = database.db.prepare('DELETE FROM revoked_token WHERE expires_at < ?');
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    this.purge.run(now);
    if (expiresAt > now) this.insert.run(tokenId, expiresAt);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.lookup.get(tokenId, this.clock.now()) !== undefined;
  }
}
