import { LastSeenStore } from '@app/core';
import type { Statement } from 'better-sqlite3';
import { EmbeddedDatabase } from './embedded-database';

export class SqliteLastSeenStore implements LastSeenStore {
  private readonly upsert: Statement;

  constructor(private readonly database: EmbeddedDatabase) {
    this.upsert = database.db.prepare(
      `INSERT INTO last_seen (user_id, at) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET at = excluded.at WHERE excluded.at > last_seen.at`,
    );
  }

  async record(userId: string, at: number): Promise<void> {
    this.upsert.run(userId, Math.floor(at));
  }

  async lastSeenOf(userIds: string[]): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 500) {
      const chunk = userIds.slice(i, i + 500);
      const rows = this.database.db
        .prepare(`SELECT user_id AS userId, at FROM last_seen WHERE user_id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as { userId: string; at: number }[];
      for (const row of rows) seen.set(row.userId, row.at);
    }
    return seen;
  }
}
