import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** What one passive checkpoint did: WAL frames in the log, and how many of them are now in the database file. */
export interface CheckpointReport {
  log: number;
  checkpointed: number;
}

/**
 * The worker's whole program, run with `eval` so that it needs no file of its own beside the compiled one (the same code
 * runs from `dist` and under ts-jest). It opens its own connection to the file and runs a passive checkpoint on a
 * timer: the copy from WAL to database and its fsync (40–70 ms a second under load) then block a worker thread, not
 * the event loop that answers sends. A passive checkpoint never waits for the writer and never blocks it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
let checkpoint;
let last = { log: 0, checkpointed: 0 };
const timer = setInterval(() => {
  // opened on the first tick, so that a database closed right after opening never sees this connection
  if (!db) {
    db = new Database(workerData.file, { fileMustExist: true });
    checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  }
  try {
    const row = checkpoint.get();
    // reported only when it changed: an idle database does not wake the main thread every second
    if (row.log > 0 && (row.log !== last.log || row.checkpointed !== last.checkpointed)) {
      last = { log: row.log, checkpointed: row.checkpointed };
      parentPort.postMessage(last);
    }
  } catch (error) {
    // SQLITE_BUSY and the like: the next tick tries again
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  if (db) db.close();
  parentPort.close();
});
`;

/**
 * Runs the embedded database's periodic passive checkpoint on a worker thread. If the worker cannot run (or dies), it
 * says so once and `running` turns false: the caller then checkpoints on its own thread, as before.
 */
export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly worker: Worker;
  private readonly listeners: ((report: CheckpointReport) => void)[] = [];
  private alive = true;
  private stopping = false;
  /** Settles when the worker thread has ended (after `stop`, or on its own failure). */
  readonly exited: Promise<void>;

  constructor(file: string, everyMs: number) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, everyMs, driver: require.resolve('better-sqlite3') },
    });
    // never the reason a process stays up: close() stops it, and a process exiting without close loses nothing
    this.worker.unref();
    this.worker.on('message', (report: CheckpointReport) => {
      for (const listener of this.listeners) listener(report);
    });
    this.worker.on('error', (error) => {
      this.alive = false;
      if (!this.stopping) this.logger.warn(`WAL checkpoint worker failed, checkpointing on the main thread instead: ${error.message}`);
    });
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.alive = false;
        resolve();
      }),
    );
  }

  get running(): boolean {
    return this.alive;
  }

  /** `listener` hears of every checkpoint that found frames in the WAL and moved them (or saw new ones). */
  onCheckpoint(listener: (report: CheckpointReport) => void): void {
    this.listeners.push(listener);
  }

  /** Asks the worker to close its connection and end; `exited` settles when it has. */
  stop(): void {
    this.stopping = true;
    if (this.alive) this.worker.postMessage('stop');
  }
}
