/** A chat message as kept in history. */
export interface HistoryRecord {
  messageId: string;
  type: number;
  conversationId: string;
  senderId: string;
  receiverId?: string;
  groupId?: string;
  /** Users who may read it directly (1:1: both ends); group messages are reached through membership. */
  participants: string[];
  body: string;
  createdAt: number;
  recalled?: boolean;
}

export interface HistoryPageQuery {
  conversationId: string;
  /** Exclusive cursor: a messageId; newer-first paging continues below it. */
  before?: string;
  limit: number;
}

/** Which conversations a caller may read: their own 1:1s (by participant) and the groups they are in. */
export interface HistoryScope {
  userId: string;
  groupIds: string[];
}

export interface HistorySearchQuery {
  scope: HistoryScope;
  text: string;
  conversationId?: string;
  limit: number;
}

export interface HistoryStore {
  /** Idempotent by messageId. A PartialWriteError names the records that were not stored (the others were). */
  index(records: HistoryRecord[]): Promise<void>;
  /** Newest first. */
  page(query: HistoryPageQuery): Promise<HistoryRecord[]>;
  /** One message by id; undefined if it is unknown (or not indexed yet). */
  find(messageId: string): Promise<HistoryRecord | undefined>;
  /**
   * Marks a message recalled and forgets its text (the body is emptied and it leaves the search index). Idempotent;
   * false if the message is unknown.
   */
  markRecalled(messageId: string): Promise<boolean>;
  /**
   * Forgets messages whose send was voided (dispatch burnt their seqs: the sender was told it failed, or the send was
   * settled as void after a crash and retried as a new message). They leave page, find, search and latest, and a later
   * `index` of them is ignored, so the order in which the message and its discard arrive does not matter. Idempotent.
   */
  discard(messageIds: string[]): Promise<void>;
  /** Full-text search within the scope, best match first. */
  search(query: HistorySearchQuery): Promise<HistoryRecord[]>;
  /** The latest message of each conversation in scope, most recent conversation first. */
  latestPerConversation(scope: HistoryScope, limit: number): Promise<HistoryRecord[]>;
  ping(): Promise<void>;
}

export const HISTORY_STORE = Symbol('HistoryStore');
