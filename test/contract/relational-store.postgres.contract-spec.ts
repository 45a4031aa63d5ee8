import { createPostgresTestDatabase } from '@app/testing';
import { relationalStoreContract } from './suites/relational-store.contract';

describe('Relational store — PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresTestDatabase>>;
  relationalStoreContract({
    config: async () => {
      database = await createPostgresTestDatabase();
      return { kind: 'postgres', url: database.url };
    },
    cleanup: async () => database?.drop(),
  });
});
