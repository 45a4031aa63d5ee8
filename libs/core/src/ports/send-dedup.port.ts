export type DedupClaim = { status: 'claimed' } | { status: 'in-progress' } | { status: 'done'; result: string };

/** Deduplication of sends on (senderId, clientMsgId): a retried send returns the first answer. */
export interface SendDedupStore {
  /** Claim the key for `inProgressTtlMs`, or tell who has it. */
  claim(senderId: string, clientMsgId: string, inProgressTtlMs: number): Promise<DedupClaim>;
  /** Record the answer for `ttlMs`. */
  complete(senderId: string, clientMsgId: string, result: string, ttlMs: number): Promise<void>;
  /** Give the key up after a failed send, so a retry can proceed. */
  release(senderId: string, clientMsgId: string): Promise<void>;
}

export const SEND_DEDUP_STORE = Symbol('SendDedupStore');
