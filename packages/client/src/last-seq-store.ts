/**
 * Where the client keeps each user's `lastSeq` between runs, so that a new session resumes after it instead of
 * replaying the inbox. May be synchronous or asynchronous.
 */
export interface LastSeqStore {
  load(userId: string): number | undefined | Promise<number | undefined>;
  save(userId: string, seq: number): void | Promise<void>;
}

/** The default: kept in memory, so only as long as the process or page. */
export class MemoryLastSeqStore implements LastSeqStore {
  private readonly seqs = new Map<string, number>();

  load(userId: string): number | undefined {
    return this.seqs.get(userId);
  }

  save(userId: string, seq: number): void {
    this.seqs.set(userId, seq);
  }
}

/** The part of the Web Storage API the adapter uses (`window.localStorage`, `sessionStorage`, or a stand-in). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Keeps `lastSeq` in the browser's localStorage (or any Web Storage), one key per user. */
export class LocalStorageLastSeqStore implements LastSeqStore {
  private readonly storage: WebStorageLike;

  constructor(
    storage?: WebStorageLike,
    private readonly prefix = 'switchboard:lastSeq:',
  ) {
    const found = storage ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
    if (!found) throw new Error('no localStorage here: pass a Web Storage, or use MemoryLastSeqStore');
    this.storage = found;
  }

  load(userId: string): number | undefined {
    const value = Number(this.storage.getItem(this.prefix + userId));
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }

  save(userId: string, seq: number): void {
    this.storage.setItem(this.prefix + userId, String(seq));
  }
}
