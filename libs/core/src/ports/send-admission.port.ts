import type { InboxStore, SeqAllocation } from './inbox.port';
import type { DedupClaim, SendDedupStore } from './send-dedup.port';

/** A send with a clientMsgId, about to be published. */
export interface SendToAdmit {
  senderId: string;
  clientMsgId: string;
  /** How long the claim holds (SendDedupStore.claim). */
  claimTtlMs: number;
  /** One seq per occurrence (InboxStore.allocate), pending until `inflightDeadline`. */
  recipientIds: string[];
  inflightDeadline: number;
  /** The message, serialized: the attempt noted is `attemptNote(messageJson, allocations)`. */
  messageJson: string;
  /** How long the note is kept (SendDedupStore.recordAttempt). */
  noteTtlMs: number;
}

/** As a claim, except that a fresh claim comes with its seqs allocated and its attempt noted. */
export type Admission =
  Exclude<DedupClaim, { status: 'claimed' }> | { status: 'claimed'; allocations: SeqAllocation[] };

/** The answer of a send with a clientMsgId, stored once its seqs are confirmed (SendDedupStore.complete). */
export interface SendAnswer {
  senderId: string;
  clientMsgId: string;
  result: string;
  ttlMs: number;
}

/**
 * The first and last steps of a send with a clientMsgId (see docs/architecture.md, 'The path of one message'). First:
 * claim (sender, clientMsgId) and, only when the claim is fresh, allocate the recipients' seqs and note the attempt —
 * so a duplicate never burns a seq. Last, once published: confirm the seqs and, when they are kept, store the answer.
 * Stores that share an engine take each step in one round trip (Redis: one script each); otherwise
 * `SequentialSendAdmission`.
 */
export interface SendAdmission {
  /** Nothing stays allocated when this throws; a claim may (the caller releases it). */
  admit(send: SendToAdmit): Promise<Admission>;
  /**
   * InboxStore.confirm, then SendDedupStore.complete when `confirmed`; `void` stores no answer. When this throws, the
   * seqs may or may not be confirmed and the answer may or may not be stored: both steps may be taken again.
   */
  conclude(allocations: SeqAllocation[], answer: SendAnswer): Promise<'confirmed' | 'void'>;
}

export const SEND_ADMISSION = Symbol('SendAdmission');

/** The attempt a send notes before publishing, which a retry that takes over settles from. */
export interface NotedAttempt<M = unknown> {
  message: M;
  allocations: SeqAllocation[];
}

/** The note of `NotedAttempt` from the already serialized message; a script that builds it must match this form. */
export function attemptNote(messageJson: string, allocations: readonly SeqAllocation[]): string {
  return `{"message":${messageJson},"allocations":${JSON.stringify(allocations)}}`;
}

/** Admission step by step over any dedup and inbox store: claim, allocate, note; confirm, answer. */
export class SequentialSendAdmission implements SendAdmission {
  constructor(
    private readonly dedup: SendDedupStore,
    private readonly inbox: InboxStore,
  ) {}

  async admit(send: SendToAdmit): Promise<Admission> {
    const { senderId, clientMsgId } = send;
    const claim = await this.dedup.claim(senderId, clientMsgId, send.claimTtlMs);
    if (claim.status !== 'claimed') return claim;
    const allocations = await this.inbox.allocate(send.recipientIds, send.inflightDeadline);
    try {
      await this.dedup.recordAttempt(senderId, clientMsgId, attemptNote(send.messageJson, allocations), send.noteTtlMs);
    } catch (error) {
      // nothing was published: burn now rather than leave the recipients waiting for the deadline
      await this.inbox.burn(allocations).catch(() => undefined);
      throw error;
    }
    return { status: 'claimed', allocations };
  }

  async conclude(allocations: SeqAllocation[], answer: SendAnswer): Promise<'confirmed' | 'void'> {
    if ((await this.inbox.confirm(allocations)) === 'void') return 'void';
    await this.dedup.complete(answer.senderId, answer.clientMsgId, answer.result, answer.ttlMs);
    return 'confirmed';
  }
}
