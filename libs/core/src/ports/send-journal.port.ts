import type { OutboundMessage } from '@app/protocol';
import type { DispatchResult } from './dispatcher.port';
import type { HistoryRecord } from './history.port';
import type { SeqAllocation } from './inbox.port';

export interface JournalSend {
  message: OutboundMessage;
  /** Everyone who gets an inbox entry, in order (one seq per occurrence). */
  recipientIds: string[];
  /** The history row, for a message kept in history. */
  history?: HistoryRecord;
  /** A client send: deduplicated on (senderId, clientMsgId), its answer kept `ttlMs`. */
  dedup?: { senderId: string; clientMsgId: string; ttlMs: number };
}

export type JournalOutcome =
  /** Committed: the message is in each recipient's inbox (and history), and its answer is stored. */
  | { status: 'committed'; allocations: SeqAllocation[] }
  /** The same (senderId, clientMsgId) was committed before: its first answer, nothing written. */
  | { status: 'duplicate'; result: DispatchResult };

/**
 * The one-process way to accept a send: dedup answer, seq allocation, inbox entries and history commit together, so a
 * crash leaves either all of it or none (nothing pending to confirm, burn or settle, unlike the split's path over a
 * broker). Only an engine that holds the inbox, history and dedup in one database can offer it.
 */
export interface SendJournal {
  commit(send: JournalSend): Promise<JournalOutcome>;
}

export const SEND_JOURNAL = Symbol('SendJournal');
