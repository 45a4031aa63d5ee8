import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relationalStoreContract } from './suites/relational-store.contract';

describe('Relational store — SQLite (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-rel-'));
  relationalStoreContract({
    config: async () => ({ kind: 'sqlite', file: join(dir, 'relational.sqlite') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  });
});
