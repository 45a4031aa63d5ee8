import { PushErrorCode, PushMessage, SendMessageResponse, WireType } from '@app/protocol';
import { SwitchboardApiError, SwitchboardClient } from '@switchboard/client';
import { WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientLogLine } from './chaos-log';

/** Push errors after which the same session will not come back: log in again. */
const RELOGIN_ON = new Set<string>([
  PushErrorCode.TokenRevoked,
  PushErrorCode.TokenInvalid,
  PushErrorCode.TokenWrongNode,
  PushErrorCode.NodeDraining,
  PushErrorCode.SessionReplaced,
]);
/** A socket down this long means its node is gone: log in again to be handed a live one. */
const NODE_GONE_MS = 4000;
const CONNECT_BOUND_MS = 15_000;

/**
 * One user as a well-behaved app drives the SDK: it logs in through its gateway, keeps its push channel up (logging in
 * again, resuming after what it showed, when its node dies or refuses it), retries a failed send with the same
 * clientMsgId, and writes every send answered and every message shown to its log.
 */
export class ChaosClient {
  userId = '';
  /** Bodies shown so far (for progress only; the checker reads the log). */
  readonly shown = new Set<string>();
  /** Sends answered 2xx so far (for progress only). */
  readonly sent: { body: string; conv: string }[] = [];
  /** Refused tries by cause (status code or network error). */
  readonly refusals = new Map<string, number>();
  private sdk: SwitchboardClient;
  private closed = false;
  private dropped = false;
  private relogging?: Promise<void>;
  private goneTimer?: NodeJS.Timeout;

  constructor(
    readonly index: number,
    readonly username: string,
    private readonly password: string,
    private readonly baseUrl: string,
    private readonly log: WriteStream,
  ) {
    this.sdk = this.newSdk(0);
  }

  get api(): SwitchboardClient {
    return this.sdk;
  }

  async register(): Promise<void> {
    // a retry after an answer that got lost finds the name taken: that is our own account
    await this.retrying(() =>
      this.sdk.register(this.username, this.password).catch((error: unknown) => {
        if (!(error instanceof SwitchboardApiError && error.status === 409)) throw error;
      }),
    );
    const session = await this.retrying(() => this.sdk.login(this.username, this.password));
    this.userId = session.user.id;
  }

  /** Connects the push channel, logging in again until a node takes it. */
  async connect(): Promise<void> {
    try {
      await this.connectBounded(this.sdk);
    } catch {
      await this.relogin('first connect failed');
    }
  }

  /** Sends until answered 2xx (same clientMsgId every try) or `deadline`; logs the outcome. */
  async send(
    to: { userId: string } | { groupId: string },
    conv: string,
    body: string,
    clientMsgId: string,
    deadline: number,
  ): Promise<SendMessageResponse | undefined> {
    for (let tries = 1; ; tries++) {
      try {
        const sdk = this.sdk;
        const sent =
          'userId' in to ? await sdk.sendToUser(to.userId, body, clientMsgId) : await sdk.sendToGroup(to.groupId, body, clientMsgId);
        this.write({ ev: 'sent', at: Date.now(), body, conv, messageId: sent.messageId, tries });
        this.sent.push({ body, conv });
        return sent;
      } catch (error) {
        const cause = error instanceof SwitchboardApiError ? `${error.status} ${error.body.code}` : 'network';
        this.refusals.set(cause, (this.refusals.get(cause) ?? 0) + 1);
        if (!retryable(error) || Date.now() > deadline) {
          this.write({ ev: 'gaveup', at: Date.now(), body, conv, error: String(error) });
          return undefined;
        }
        await sleep(200 + Math.random() * 300);
      }
    }
  }

  /** The client loses its connection (a phone going into a tunnel) and comes back after `ms`. */
  async drop(ms: number): Promise<void> {
    if (this.dropped || this.closed) return;
    this.dropped = true;
    clearTimeout(this.goneTimer);
    this.sdk.disconnect();
    await sleep(ms);
    this.dropped = false;
    // a relogin under way connects by itself once the drop is over
    if (this.closed || this.relogging) return;
    try {
      await this.connectBounded(this.sdk);
    } catch {
      await this.relogin('reconnect after a drop failed');
    }
  }

  /** Closes the push channel and flushes the log. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.goneTimer);
    this.sdk.removeAllListeners();
    this.sdk.disconnect();
    await new Promise((resolve) => this.log.end(resolve));
  }

  private newSdk(lastSeq: number): SwitchboardClient {
    const sdk = new SwitchboardClient({ baseUrl: this.baseUrl, lastSeq, ackDelayMs: 50, gapWaitMs: 300 });
    sdk.on('message', (m) => this.onMessage(m));
    sdk.on('skipped', (seqs) => this.write({ ev: 'skipped', at: Date.now(), seqs }));
    sdk.on('pushError', (e) => {
      if (sdk === this.sdk && RELOGIN_ON.has(e.code)) void this.relogin(e.code);
    });
    sdk.on('disconnected', () => {
      if (sdk !== this.sdk || this.dropped || this.closed) return;
      clearTimeout(this.goneTimer);
      this.goneTimer = setTimeout(() => {
        if (sdk === this.sdk && !sdk.connected && !this.dropped && !this.closed) void this.relogin('node gone');
      }, NODE_GONE_MS);
    });
    return sdk;
  }

  private onMessage(m: PushMessage): void {
    if (m.type !== WireType.FriendMessage && m.type !== WireType.GroupMessage) return;
    this.shown.add(m.body ?? '');
    this.write({
      ev: 'shown',
      at: Date.now(),
      body: m.body ?? '',
      conv: m.conversationId ?? '',
      messageId: m.messageId,
      seq: m.seq,
      senderId: m.senderId ?? '',
    });
  }

  /**
   * A fresh session that resumes after what this client showed; one at a time, retried until it connects. The old
   * session is closed first, so nothing it shows after `lastSeq` is read could be replayed to the new one.
   */
  private relogin(reason: string): Promise<void> {
    this.relogging ??= (async () => {
      this.write({ ev: 'relogin', at: Date.now(), reason });
      const old = this.sdk;
      old.removeAllListeners();
      old.disconnect();
      let lastSeq = old.lastSeq;
      while (!this.closed) {
        // a dropped client stays offline until the drop ends (never left holding an SDK stripped of its listeners)
        if (this.dropped) {
          await sleep(100);
          continue;
        }
        const next = this.newSdk(lastSeq);
        try {
          await next.login(this.username, this.password);
          // sends go on with the previous session's token until this one has its own
          this.sdk = next;
          await this.connectBounded(next);
          return;
        } catch {
          next.removeAllListeners();
          next.disconnect();
          lastSeq = Math.max(lastSeq, next.lastSeq);
          await sleep(500 + Math.random() * 1000);
        }
      }
    })().finally(() => (this.relogging = undefined));
    return this.relogging;
  }

  private async connectBounded(sdk: SwitchboardClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sdk.connect(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('connect timed out')), CONNECT_BOUND_MS))),
      ]);
    } catch (error) {
      sdk.disconnect();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Set-up calls (register, login) retried while an app is restarting. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await call();
      } catch (error) {
        if (!retryable(error) || i > 60) throw error;
        await sleep(500);
      }
    }
  }

  private write(line: ClientLogLine): void {
    this.log.write(`${JSON.stringify(line)}\n`);
  }
}

/** Worth another try with the same clientMsgId: the network, an app or engine down, the first try still running. */
function retryable(error: unknown): boolean {
  if (!(error instanceof SwitchboardApiError)) return true;
  return [401, 408, 409, 429, 500, 502, 503, 504].includes(error.status);
}
