import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { logErrors } from './redis-connection';

/** The pause before a failed resync is tried again (a reconnect of the subscriber also starts one). */
const RESYNC_RETRY_MS = 1000;

export interface SyncedSubscriberHandlers {
  /** The channels to be subscribed to; read again on every reconnect. */
  channels(): string[];
  onMessage(channel: string, text: string): void;
  /**
   * Reads what a notice missed while away would have said (the revocation index, say); runs after the subscribe has
   * been answered, so whatever is announced from then on arrives as a message. A throw retries the resync.
   */
  catchUp?(): Promise<void>;
  /**
   * Called on each change: false from the connection's 'close', true once subscribed anew and caught up. Optional: a
   * user that only reads `inSync` needs none.
   */
  onSync?(inSync: boolean): void;
}

/**
 * A pub/sub subscriber connection that says when its listeners may have missed a message.
 *
 * Pub/sub keeps nothing for a dropped subscriber (Redis restarted, its output buffer overflowed, the network). So from
 * the connection's 'close' it is out of sync; on every 'ready' it subscribes again (ioredis' automatic resubscribe
 * comes first on the same connection, so ours is answered after it), catches up, and only then is in sync: whatever
 * was published meanwhile reached either the catch-up or the handler. A resync begun before a later drop does not
 * count (epoch). Used by the token revocation mirror and the invalidation bus.
 */
export class SyncedSubscriber {
  private readonly logger: Logger;
  private connection?: Redis;
  private synced: boolean;
  private epoch = 0;
  private retryTimer?: NodeJS.Timeout;

  /**
   * @param role names the connection (`<client's name>-<role>`) and the log lines.
   * @param startsInSync true when nothing can be missed before the first connect (a listener that subscribes awaits
   *   its SUBSCRIBE's answer); false when a catch-up must run first.
   */
  constructor(
    private readonly redis: Redis,
    private readonly role: string,
    private readonly handlers: SyncedSubscriberHandlers,
    startsInSync: boolean,
  ) {
    this.logger = new Logger(`SyncedSubscriber:${role}`);
    this.synced = startsInSync;
  }

  get inSync(): boolean {
    return this.synced;
  }

  /** The subscriber connection, opened on the first call. */
  open(): Redis {
    if (this.connection) return this.connection;
    const connection = logErrors(
      this.redis.duplicate({ connectionName: `${this.redis.options.connectionName ?? 'switchboard'}-${this.role}` }),
    );
    this.connection = connection;
    connection.on('message', (channel: string, text: string) => this.handlers.onMessage(channel, text));
    connection.on('close', () => {
      if (connection !== this.connection) return;
      this.epoch++;
      clearTimeout(this.retryTimer);
      this.setSynced(false);
    });
    // on the first connect and after every reconnect
    connection.on('ready', () => void this.resync(connection));
    return connection;
  }

  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.epoch++;
    const connection = this.connection;
    this.connection = undefined;
    this.synced = false;
    await connection?.quit().catch(() => connection.disconnect());
  }

  private async resync(connection: Redis): Promise<void> {
    clearTimeout(this.retryTimer);
    const epoch = this.epoch;
    const current = () => epoch === this.epoch && connection === this.connection;
    try {
      const channels = this.handlers.channels();
      if (channels.length > 0) await connection.subscribe(...channels);
      await this.handlers.catchUp?.();
      if (current()) this.setSynced(true);
    } catch (error) {
      if (!current()) return;
      this.logger.warn({ err: error }, `could not resync, retrying in ${RESYNC_RETRY_MS} ms`);
      this.retryTimer = setTimeout(() => void this.resync(connection), RESYNC_RETRY_MS).unref();
    }
  }

  private setSynced(inSync: boolean): void {
    if (this.synced === inSync) return;
    this.synced = inSync;
    this.handlers.onSync?.(inSync);
  }
}
