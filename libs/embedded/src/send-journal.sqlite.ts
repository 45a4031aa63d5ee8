import { dispatchResultOf, JournalOutcome, JournalSend, readDispatchResult, SendJournal } from '@app/core';
import { EmbeddedDatabase } from './embedded-database';
import { SqliteHistoryStore } from './history.sqlite';
import { SqliteInboxStore } from './inbox.sqlite';
import { SqliteSendDedupStore } from './send-dedup.sqlite';

/**
 * The one-process send on SQLite: the dedup lookup, the seqs (heads in memory), the inbox entries, the history row and
 * the answer are one write of the group commit, so they commit with the other sends of the same event-loop turn.
 */
export class SqliteSendJournal implements SendJournal {
  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly inbox: SqliteInboxStore,
    private readonly history: SqliteHistoryStore,
    private readonly dedup: SqliteSendDedupStore,
  ) {}

  commit(send: JournalSend): Promise<JournalOutcome> {
    const { message, dedup } = send;
    const payload = JSON.stringify(message);
    const createdAt = Date.parse(message.createdAt);
    return this.database.writes.submit((): JournalOutcome => {
      if (dedup) {
        const answer = this.dedup.answerNow(dedup.senderId, dedup.clientMsgId);
        if (answer !== undefined) return { status: 'duplicate', result: readDispatchResult(answer, dedup.senderId) };
      }
      const allocations = this.inbox.writeNewNow(send.recipientIds, payload, createdAt);
      if (send.history) this.history.indexNow([send.history]);
      if (dedup) {
        const result = JSON.stringify(dispatchResultOf(message, allocations));
        this.dedup.completeNow(dedup.senderId, dedup.clientMsgId, result, dedup.ttlMs);
      }
      return { status: 'committed', allocations };
    });
  }
}
