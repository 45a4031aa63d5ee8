import { Clock, SessionEntry, SessionRegistry, systemClock } from '@app/core';
import type { DevicePlatform } from '@app/protocol';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

/** Live sessions per user in the embedded SQLite file; expired rows are ignored, and purged whenever someone logs in. */
export class SqliteSessionRegistry implements SessionRegistry {
  private readonly upsert: Statement;
  private readonly purge: Statement;
  private readonly list: Statement;
  private readonly delete: Statement;

  constructor(
    database: EmbeddedDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.upsert = database.db.prepare(
      'INSERT OR REPLACE INTO user_session (token_id, user_id, platform, expires_at) VALUES (?, ?, ?, ?)',
    );
    this.purge = database.db.prepare('DELETE FROM user_session WHERE expires_at <= ?');
    this.list = database.db.prepare(
      'SELECT token_id AS tokenId, platform, expires_at AS expiresAt FROM user_session WHERE user_id = ? AND expires_at > ? ORDER BY token_id',
    );
    this.delete = database.db.prepare('DELETE FROM user_session WHERE token_id = ?');
  }

  async register(userId: string, tokenId: string, platform: DevicePlatform, expiresAt: number): Promise<void> {
    this.purge.run(this.clock.now());
    this.upsert.run(tokenId, userId, platform, Math.ceil(expiresAt));
  }

  async sessionsOf(userId: string): Promise<SessionEntry[]> {
    return this.list.all(userId, this.clock.now()) as SessionEntry[];
  }

  async remove(tokenId: string): Promise<void> {
    this.delete.run(tokenId);
  }
}
