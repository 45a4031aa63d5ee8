/** One batch's send: resolves with one result per item, in order, or rejects for the whole batch. */
export type SendBatch<T, R> = (items: T[]) => Promise<R[]>;

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers what is sent in one event-loop turn into batches of at most `maxCount` items and `maxBytes` bytes, and
 * sends each batch once the turn's I/O callbacks have run (setImmediate): the sends that one pipelined Redis reply
 * released together go out in one RPC. Each caller still gets its own item's result. Not DataLoader: it caps a batch
 * by count only, and a group message's envelope (thousands of recipients) is large enough that bytes must bound it.
 */
export class PublishBatcher<T, R> {
  private pending: Pending<T, R>[] = [];
  private pendingBytes = 0;
  private scheduled?: NodeJS.Immediate;

  constructor(
    private readonly send: SendBatch<T, R>,
    private readonly limits: { maxCount: number; maxBytes: number },
  ) {}

  enqueue(item: T, bytes: number): Promise<R> {
    // an item that would overflow the batch starts the next one; an item above maxBytes alone still goes, alone
    if (this.pending.length > 0 && this.pendingBytes + bytes > this.limits.maxBytes) this.flush();
    const result = new Promise<R>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    this.pendingBytes += bytes;
    if (this.pending.length >= this.limits.maxCount) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
    return result;
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    // the send is called synchronously, so batches reach the wire in the order they were closed
    let sending: Promise<R[]>;
    try {
      sending = this.send(batch.map((p) => p.item));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      (results) => {
        if (results.length === batch.length) batch.forEach((p, i) => p.resolve(results[i]));
        else batch.forEach((p) => p.reject(new Error(`${results.length} results for a batch of ${batch.length}`)));
      },
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
