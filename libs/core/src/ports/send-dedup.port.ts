export type DedupClaim =
  | { status: 'claimed' }
  | { status: 'in-progress' }
  | { status: 'done'; result: string }
  /**
   * The previous holder recorded an attempt, then its claim ran out without an answer (it died mid-send). The key is
   * the caller's now, and so is the job of settling that attempt before sending anything new.
   */
  | { status: 'taken-over'; attempt: string };

/** Deduplication of sends on (senderId, clientMsgId): a retried send returns the first answer. */
export interface SendDedupStore {
  /** Claim the key for `inProgressTtlMs`, or tell who has it. */
  claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim>;
  /**
   * Note what is about to be published (before publishing), so that a retry that outlives the claim can settle it.
   * The claim keeps its expiry; the note is kept `ttlMs`.
   */
  recordAttempt(senderId: string, clientMsgId: string, attempt: string, ttlMs: number): Promise<void>;
  /** Record the answer for `ttlMs`. */
  complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void>;
  /** Give the key up after a failed send (its attempt is void), so a retry can proceed. */
  release(senderId: string, clientMsgId: string): Promise<void>;
}

export const SEND_DEDUP_STORE = Symbol('SendDedupStore');
