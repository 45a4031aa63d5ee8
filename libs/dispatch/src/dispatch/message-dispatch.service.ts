import { SwitchboardConfig } from '@app/config';
import {
  CLOCK,
  settleWithin,
  Clock,
  DependencyUnavailableError,
  DispatchCommand,
  Dispatcher,
  DispatchResult,
  dispatchResultOf,
  readDispatchResult,
  DomainError,
  ErrorCode,
  INBOX_STORE,
  InboxStore,
  MESSAGE_BUS,
  MessageBus,
  NotedAttempt,
  SEND_ADMISSION,
  SEND_DEDUP_STORE,
  SendAdmission,
  SendAnswer,
  SendDedupStore,
  SeqAllocation,
  SequentialSendAdmission,
  attemptNote,
} from '@app/core';
import { metrics } from '@app/platform';
import type { OutboundMessage } from '@app/protocol';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  ExponentialBackoff,
  handleAll,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutPolicy,
  TimeoutStrategy,
} from 'cockatiel';
import { HOUR, outboundMessageOf } from './dispatch-message';
import { PushRouter } from './push-router';

/** How long a voided send's tombstone is retried while the broker is unreachable. */
const DISCARD_RETRY_MS = 10 * 60_000;

/**
 * Accepts a message (see docs/architecture.md, 'The path of one message'): dedup on clientMsgId, a time-ordered id, one
 * seq per recipient, publish and wait for the broker, then push. A seq whose publish failed is burnt so clients never
 * wait on it.
 *
 * A send with a clientMsgId starts and ends with its SendAdmission: `admit` (the claim, and for a fresh claim the seqs
 * and the note of the attempt; a duplicate allocates nothing) and `conclude` (confirm, and store the answer), each one
 * round trip where the stores share an engine.
 *
 * Exactly once across a crash: a send notes its attempt (message and seqs) before publishing. If this process
 * dies after the broker took the message but before the answer was stored, the client's retry finds the claim run
 * out with the note left, and settles it instead of sending a second copy: published (a seq was written or
 * confirmed) → the first answer; no proof → its seqs are burnt and the message is sent afresh.
 */
@Injectable()
export class MessageDispatchService implements Dispatcher {
  private readonly logger = new Logger(MessageDispatchService.name);
  /** Each tombstone try's wait for the broker's receipt (the send's own publish, on the hot path, uses `settleWithin`). */
  private readonly tombstoneReceipt: TimeoutPolicy;
  private readonly admission: SendAdmission;

  constructor(
    private readonly config: SwitchboardConfig,
    @Inject(INBOX_STORE) private readonly inbox: InboxStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SEND_DEDUP_STORE) private readonly dedup: SendDedupStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pushRouter: PushRouter,
    @Optional() @Inject(SEND_ADMISSION) admission?: SendAdmission,
  ) {
    this.tombstoneReceipt = timeout(config.PUBLISH_TIMEOUT_MS, TimeoutStrategy.Aggressive);
    this.admission = admission ?? new SequentialSendAdmission(dedup, inbox);
  }

  async dispatch(command: DispatchCommand): Promise<DispatchResult> {
    const { clientMsgId, senderId } = command;
    if (!clientMsgId) return this.accept(command);
    const now = this.clock.now();
    const message = outboundMessageOf(command, now);
    const keepMs = this.config.SEND_DEDUP_TTL_HOURS * HOUR;
    const admission = await this.admission.admit({
      senderId,
      clientMsgId,
      claimTtlMs: this.config.PUBLISH_TIMEOUT_MS * 3,
      recipientIds: command.recipientIds,
      inflightDeadline: this.inflightDeadline(now),
      messageJson: JSON.stringify(message),
      noteTtlMs: keepMs,
    });
    if (admission.status === 'done') return readDispatchResult(admission.result, senderId);
    if (admission.status === 'in-progress')
      throw new DomainError(ErrorCode.SendInProgress, 'a send with this clientMsgId is in progress, retry shortly');
    // a failed settle keeps the note (and our claim): the next retry settles it again
    let result = admission.status === 'taken-over' ? await this.resume(admission.attempt) : undefined;
    try {
      if (admission.status === 'claimed') {
        const answer = { senderId, clientMsgId, ttlMs: keepMs };
        const published = await this.publish(command, message, admission.allocations, now, answer);
        // stored with the confirm; if that step failed, the answer is stored below like any other
        if (published.answered) return published.result;
        result = published.result;
      } else
        result ??= await this.accept(command, (attempt) =>
          this.dedup.recordAttempt(
            senderId,
            clientMsgId,
            attemptNote(JSON.stringify(attempt.message), attempt.allocations),
            keepMs,
          ),
        );
    } catch (error) {
      // a try that lost to a retry leaves the key alone: it is that retry's now
      if (error instanceof LostTryError) throw error;
      // nothing was published (its seqs are burnt): a retry may send it afresh
      await this.dedup.release(senderId, clientMsgId).catch(() => undefined);
      throw error;
    }
    // published: if storing the answer fails, the note stays and a retry settles it to this same answer
    await this.dedup.complete(senderId, clientMsgId, JSON.stringify(result), keepMs);
    return result;
  }

  /** Settles the attempt of a send whose process died mid-way: its answer if it was published, else undefined. */
  private async resume(noted: string): Promise<DispatchResult | undefined> {
    const attempt = JSON.parse(noted) as NotedAttempt<OutboundMessage>;
    const { messageId } = attempt.message;
    if ((await this.inbox.settle(attempt.allocations)) === 'void') {
      this.logger.warn({ messageId }, 'interrupted send voided; sending it afresh');
      this.discardFromHistory(attempt.message);
      return undefined;
    }
    this.logger.warn({ messageId }, 'interrupted send was published; answering it');
    // it may never have been pushed: the clients drop a seq they already hold
    void this.pushRouter.push(attempt.message, attempt.allocations);
    return dispatchResultOf(attempt.message, attempt.allocations);
  }

  /** A send without a noted claim (no clientMsgId), or one sent afresh after a void takeover: allocate, note, publish. */
  private async accept(
    command: DispatchCommand,
    noteAttempt?: (attempt: NotedAttempt<OutboundMessage>) => Promise<void>,
  ): Promise<DispatchResult> {
    const now = this.clock.now();
    const message = outboundMessageOf(command, now);
    const allocations = await this.inbox.allocate(command.recipientIds, this.inflightDeadline(now));
    try {
      await noteAttempt?.({ message, allocations });
    } catch (error) {
      await this.failedPublish(error, message, allocations, false);
    }
    return (await this.publish(command, message, allocations, now)).result;
  }

  /** Past this deadline an unconfirmed seq is burnt by the inbox: it must outlive our own publish timeout. */
  private inflightDeadline(now: number): number {
    return now + 2 * this.config.PUBLISH_TIMEOUT_MS + 1000;
  }

  /**
   * Publishes a message whose seqs are allocated (and attempt noted), waits for the broker, confirms, pushes. With an
   * answer key, the confirm stores the answer too where the stores allow it in one step (`answered`).
   */
  private async publish(
    command: DispatchCommand,
    message: OutboundMessage,
    allocations: SeqAllocation[],
    now: number,
    answerKey?: Omit<SendAnswer, 'result'>,
  ): Promise<{ result: DispatchResult; answered: boolean }> {
    const timeout = this.config.PUBLISH_TIMEOUT_MS;
    const stopTimer = metrics.dispatchSeconds.startTimer();
    try {
      await settleWithin(
        this.bus.publish({ message, recipients: allocations, storeInHistory: command.storeInHistory }),
        timeout,
        () => noReceipt(timeout),
      );
    } catch (error) {
      await this.failedPublish(error, message, allocations, true);
    } finally {
      stopTimer();
    }
    const result = dispatchResultOf(message, allocations);
    const answer = answerKey && { ...answerKey, result: JSON.stringify(result) };
    // issued beside the confirm, not after it: one Redis round trip for both (a voided try never uses it)
    const routes = this.pushRouter.lookup(allocations);
    const confirmed = await this.confirm(allocations, now + 2 * timeout, answer);
    if (confirmed === 'void') {
      // this try was held up past its claim and a retry settled it as void (or its seqs were reaped): that retry
      // answers the send; this copy is refused by the inbox, and history drops it
      this.logger.warn(
        { messageId: message.messageId },
        'a retry voided this try while it was held up; not answering it',
      );
      this.discardFromHistory(message);
      throw new LostTryError();
    }
    metrics.messagesAccepted.inc({ type: String(command.type) });
    void this.pushRouter.push(message, allocations, routes);
    return { result, answered: confirmed === 'answered' };
  }

  /**
   * After a publish that failed or timed out: returns if the message was stored after all (the send stands), else
   * throws what the caller answers. A publish that reached the broker may be stored late, and the offline consumer may
   * even have written it to an inbox before this runs (an event loop held up for seconds is enough). So its seqs are
   * settled, not just burnt: written → it stands, answered like any send, and the client does not retry it into a
   * second copy; not written → burnt, so a later write is refused, and history gets a tombstone.
   */
  private async failedPublish(
    error: unknown,
    message: OutboundMessage,
    allocations: SeqAllocation[],
    publishing: boolean,
  ): Promise<void> {
    const { messageId } = message;
    const unsettled = (e: unknown) => {
      this.logger.warn({ err: e, messageId }, 'could not settle seqs; they will expire as burnt');
      return 'void' as const;
    };
    if (!publishing) await this.inbox.burn(allocations).catch(unsettled);
    else if ((await this.inbox.settle(allocations).catch(unsettled)) === 'published') {
      this.logger.warn({ messageId }, 'publish reported a failure, but the message was stored; answering it');
      return;
    }
    metrics.sendFailures.inc({ reason: 'publish' });
    if (publishing) this.discardFromHistory(message);
    if (error instanceof DomainError) throw error;
    this.logger.warn({ err: error, messageId }, 'publish failed');
    throw new DependencyUnavailableError('message bus', error);
  }

  /**
   * Publishes a tombstone for a voided send, in the background and retried while the broker is away (that is usually
   * why the send failed), for up to DISCARD_RETRY_MS. Harmless when the message never reached the broker.
   */
  private discardFromHistory(message: OutboundMessage): void {
    const tombstone = { message, recipients: [], storeInHistory: false, discard: true as const };
    const ms = this.config.PUBLISH_TIMEOUT_MS;
    const publish = () =>
      this.tombstoneReceipt
        .execute(() => this.bus.publish(tombstone))
        .catch((error: unknown) => {
          throw error instanceof TaskCancelledError ? noReceipt(ms) : error;
        });
    retryFor(publish, DISCARD_RETRY_MS, DISCARD_RETRY).catch((error: unknown) =>
      this.logger.error({ err: error, messageId: message.messageId }, 'could not discard a voided send from history'),
    );
  }

  /**
   * The broker holds the message now; keep retrying until the inbox knows, or the seqs could be reaped as burnt.
   * `void`: this try lost its seqs (see InboxStore.confirm). An inbox unreachable until the deadline counts as kept:
   * the broker has the message, and the reaper leaves it to its consumers.
   */
  private async confirm(
    allocations: SeqAllocation[],
    until: number,
    answer?: SendAnswer,
  ): Promise<'answered' | 'confirmed' | 'void'> {
    // on the send path: the first try costs no policy and no timer; only a failure starts the retries (which leave
    // the answer to the caller: the failed try may or may not have stored it, and storing it again is harmless)
    if (answer) {
      const concluded = await this.admission.conclude(allocations, answer).catch(() => undefined);
      if (concluded) return concluded === 'confirmed' ? 'answered' : 'void';
    } else {
      const first = await this.inbox.confirm(allocations).catch(() => undefined);
      if (first) return first;
    }
    const withinMs = Math.max(0, until - this.clock.now());
    return retryFor(() => this.inbox.confirm(allocations), withinMs, CONFIRM_RETRY).catch((error: unknown) => {
      this.logger.error({ err: error }, 'could not confirm published seqs before their deadline');
      return 'confirmed' as const;
    });
  }
}

/**
 * Retry policies, built once: jittered exponential backoff with no attempt limit (the deadline is the bound). Unref'd:
 * a retry pending at shutdown must not keep the process alive (the inbox reaps what it leaves as burnt).
 */
const retryPolicy = (initialDelay: number, maxDelay: number) =>
  retry(handleAll, {
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: new ExponentialBackoff({ initialDelay, maxDelay }),
  }).dangerouslyUnref();
const CONFIRM_RETRY = retryPolicy(50, 1000);
const DISCARD_RETRY = retryPolicy(200, 5000);

/** Retries `task` under `policy` until it succeeds; past `withinMs` the last error is thrown. */
function retryFor<T>(task: () => Promise<T>, withinMs: number, policy: typeof CONFIRM_RETRY): Promise<T> {
  return policy.execute(() => task(), AbortSignal.timeout(withinMs));
}

/** A try that a retry settled as void while it was held up: answered like a send in progress (the retry answers). */
class LostTryError extends DomainError {
  constructor() {
    super(ErrorCode.SendInProgress, 'a retry of this send is in progress, retry shortly');
  }
}

const noReceipt = (ms: number) => new Error(`no broker receipt within ${ms} ms`);
