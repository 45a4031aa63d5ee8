/** A sequence number given to one recipient for one message. */
export interface SeqAllocation {
  userId: string;
  seq: number;
}

export interface InboxWrite extends SeqAllocation {
  /** Opaque serialized message (without seq). */
  payload: string;
  createdAt: number;
}

export interface StoredInboxEntry {
  seq: number;
  /** `null` for a burnt sequence number. */
  payload: string | null;
  createdAt: number;
}

export interface InboxRead {
  entries: StoredInboxEntry[];
  /** Allocated, not yet written, not burnt: the client must wait and ask again. */
  pending: number[];
  headSeq: number;
  watermark: number;
  hasMore: boolean;
}

/**
 * The offline inbox and its sequence numbers (see docs/architecture.md, 'The delivery contract'). A user's seq is
 * allocated here and each allocated seq ends as exactly one of: an entry written by the offline consumer, or a burnt
 * placeholder. Until then it is pending. A pending seq whose publish was never confirmed becomes burnt once its
 * deadline passes (dispatch died or the broker refused it); a confirmed one stays pending until the consumer writes it,
 * however long that takes.
 */
export interface InboxStore {
  /** Next seq of each user (one per occurrence, in order), marked pending until `inflightDeadline` (epoch ms). */
  allocate(userIds: string[], inflightDeadline: number): Promise<SeqAllocation[]>;
  /**
   * The broker holds the message: these seqs will be written, never reaped. `void` when any of them was burnt already
   * — by a retry that settled this try while it was held up past its claim, or reaped past its deadline: then this try
   * lost, and must not be answered or pushed as sent (its copy is refused by the inbox).
   */
  confirm(allocations: SeqAllocation[]): Promise<'confirmed' | 'void'>;
  /** The message will never be written: turn these seqs into burnt placeholders. */
  burn(allocations: SeqAllocation[]): Promise<void>;
  /**
   * Decides the fate of the seqs of a message whose sender died between publishing and answering. If any of them was
   * written or confirmed, the broker had the message: the rest still pending are confirmed (they will be written) and
   * the answer is `published`. Otherwise nobody can tell whether it was published: the pending ones are burnt (a late
   * write is refused) and the answer is `void`, so that a retry sends it afresh and it is never shown twice.
   */
  settle(allocations: SeqAllocation[]): Promise<'published' | 'void'>;
  /**
   * Write entries (idempotent). An entry at or below the user's watermark, already present or already burnt is
   * skipped. Returns how many were written.
   */
  append(writes: InboxWrite[]): Promise<number>;
  /** Entries after `afterSeq` in order, at most `limit`; reaps unconfirmed pending seqs past their deadline. */
  read(userId: string, afterSeq: number, limit: number): Promise<InboxRead>;
  /** Acknowledge every seq ≤ `seq` (clamped to the head): drop them and move the watermark. */
  ack(userId: string, seq: number): Promise<{ watermark: number }>;
  ping(): Promise<void>;
}

export const INBOX_STORE = Symbol('InboxStore');
