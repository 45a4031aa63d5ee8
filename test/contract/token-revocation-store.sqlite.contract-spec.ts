import { newTimeOrderedId } from '@app/core';
import { EmbeddedDatabase, SqliteTokenRevocationStore } from '@app/embedded';
import { ManualTimeline } from '@app/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenRevocationStoreContract } from './suites/token-revocation-store.contract';

describe('TokenRevocationStore — SQLite (embedded)', () => {
  const dbs: EmbeddedDatabase[] = [];
  // the adapter takes the injected clock: expiry is passed at once, not waited for
  const timeline = new ManualTimeline();
  tokenRevocationStoreContract({
    timeline,
    create: async () => {
      const db = new EmbeddedDatabase(':memory:');
      dbs.push(db);
      return new SqliteTokenRevocationStore(db, timeline);
    },
    close: async () => dbs.forEach((db) => db.close()),
  });
});

describe('TokenRevocationStore — SQLite (embedded), across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-revocation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('still refuses a token revoked before the process restarted, and forgets it once it has expired', async () => {
    const file = join(dir, 'switchboard.db');
    const timeline = new ManualTimeline();
    const [revoked, expiring, kept] = [newTimeOrderedId(), newTimeOrderedId(), newTimeOrderedId()];
    const before = new EmbeddedDatabase(file);
    const store = new SqliteTokenRevocationStore(before, timeline);
    await store.revoke(revoked, timeline.now() + 60_000);
    await store.revoke(expiring, timeline.now() + 1000);
    before.close();

    await timeline.passTo(timeline.now() + 1000);
    const after = new EmbeddedDatabase(file);
    const reopened = new SqliteTokenRevocationStore(after, timeline);
    try {
      expect(await reopened.isRevoked(revoked)).toBe(true);
      expect(await reopened.isRevoked(expiring)).toBe(false);
      expect(await reopened.isRevoked(kept)).toBe(false);
    } finally {
      after.close();
    }
  });
});
