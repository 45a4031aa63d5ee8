import type Database from 'better-sqlite3';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes submitted during one turn of the event loop run in one SQLite transaction at the end of
 * that turn (setImmediate), and each caller's promise settles only after the commit, so an answered write is durable.
 * Each job runs in its own savepoint: one that throws is rolled back and rejected alone. If the commit itself fails,
 * every job of the group is rejected.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly runGroup: Database.Transaction<(jobs: Job[]) => unknown[]>;
  private readonly runJob: Database.Transaction<(work: () => unknown) => unknown>;
  private readonly rollbackListeners: (() => void)[] = [];

  constructor(private readonly db: Database.Database) {
    // transaction functions created once: the outer one is the group, a nested call is a savepoint
    this.runJob = db.transaction((work: () => unknown) => work());
    this.runGroup = db.transaction((jobs: Job[]) =>
      jobs.map((job) => {
        try {
          return { ok: true, value: this.runJob(job.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** `listener` runs after any rollback (of one job or a group): state kept in memory beside the tables may be stale. */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  /** Runs `work` (synchronous statements) in this turn's transaction; resolves with its result once committed. */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (also on close, so nothing submitted is dropped). */
  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    if (!jobs.length) return;
    this.queue = [];
    if (!this.db.open) {
      // submitted after close: refused, not left waiting for a commit that can never come
      const error = new Error('the embedded database is closed');
      for (const job of jobs) job.reject(error);
      return;
    }
    let outcomes: { ok: boolean; value?: unknown; error?: unknown }[];
    try {
      outcomes = this.runGroup(jobs) as typeof outcomes;
    } catch (error) {
      this.rolledBack();
      for (const job of jobs) job.reject(error);
      return;
    }
    if (outcomes.some((o) => !o.ok)) this.rolledBack();
    jobs.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].error)));
  }

  private rolledBack(): void {
    for (const listener of this.rollbackListeners) listener();
  }
}
