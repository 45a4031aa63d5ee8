import { SwitchboardConfig } from '@app/config';
import {
  CLOCK,
  Clock,
  DependencyUnavailableError,
  DispatchCommand,
  Dispatcher,
  DispatchResult,
  dispatchResultOf,
  SEND_JOURNAL,
  SendJournal,
} from '@app/core';
import { metrics } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { toHistoryRecord } from '@app/storage';
import { HOUR, outboundMessageOf } from './dispatch-message';
import { PushRouter } from './push-router';

/**
 * Dispatch in one process (the quick start): the dedup answer, the seqs, the inbox entries and the history row commit
 * together in the send journal, so there is no claim, attempt note, pending seq or broker receipt to keep and nothing
 * to confirm, burn or settle after a crash. Answered (and pushed) only once committed. The split keeps
 * MessageDispatchService, whose steps cross processes.
 */
@Injectable()
export class LocalMessageDispatcher implements Dispatcher {
  private readonly logger = new Logger(LocalMessageDispatcher.name);

  constructor(
    private readonly config: SwitchboardConfig,
    @Inject(SEND_JOURNAL) private readonly journal: SendJournal,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pushRouter: PushRouter,
  ) {}

  async dispatch(command: DispatchCommand): Promise<DispatchResult> {
    const message = outboundMessageOf(command, this.clock.now());
    const stopTimer = metrics.dispatchSeconds.startTimer();
    let outcome;
    try {
      outcome = await this.journal.commit({
        message,
        recipientIds: command.recipientIds,
        ...(command.storeInHistory && { history: toHistoryRecord({ message, recipients: [], storeInHistory: true }) }),
        ...(command.clientMsgId && {
          dedup: {
            senderId: command.senderId,
            clientMsgId: command.clientMsgId,
            ttlMs: this.config.SEND_DEDUP_TTL_HOURS * HOUR,
          },
        }),
      });
    } catch (error) {
      metrics.sendFailures.inc({ reason: 'store' });
      this.logger.warn({ err: error, messageId: message.messageId }, 'send not stored');
      throw new DependencyUnavailableError('message store', error);
    } finally {
      stopTimer();
    }
    if (outcome.status === 'duplicate') return outcome.result;
    metrics.messagesAccepted.inc({ type: String(command.type) });
    void this.pushRouter.push(message, outcome.allocations);
    return dispatchResultOf(message, outcome.allocations);
  }
}
