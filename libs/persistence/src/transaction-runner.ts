import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';

const sqliteLocks = new WeakMap<DataSource, Mutex>();

/**
 * Runs `work` in a transaction. SQLite has one connection, which cannot hold two transactions at once, so there
 * transactions queue behind a per-DataSource mutex; PostgreSQL runs them concurrently from its pool.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource.transaction(work);
  let lock = sqliteLocks.get(dataSource);
  if (!lock) sqliteLocks.set(dataSource, (lock = new Mutex()));
  return lock.runExclusive(() => dataSource.transaction(work));
}
