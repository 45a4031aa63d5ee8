import { createHash } from 'node:crypto';

/**
 * Every Redis key of Switchboard's adapters. Keys of different users land in different hash slots: the multi-user
 * scripts assume a single Redis (or a cluster-aware split per slot, not done here).
 */
export const redisKeys = {
  /** HASH connectionId → `nodeId|expiresAtMs`. */
  userRoutes: (userId: string) => `online:users:${userId}`,
  /** SET of JSON `[userId, connectionId]` for every route held by the node. */
  nodeUsers: (nodeId: string) => `im:node:${nodeId}:users`,
  /** Per-user inbox sequence counter; never expires, so a seq never restarts. */
  seq: (userId: string) => `im:seq:${userId}`,
  /** ZSET score = seq, member = encoded entry (see inbox.lua.ts). */
  inbox: (userId: string) => `im:inbox:${userId}`,
  /**
   * A payload shared by the entries of one fan-out (see inbox.lua.ts), named by its content: a redelivery of the same
   * message rewrites the same key. Expires after the retention.
   */
  payload: (payload: string) => `im:payload:${createHash('sha256').update(payload, 'utf8').digest('base64url')}`,
  /** Acknowledged watermark; never expires, so a redelivery can never resurrect an acknowledged entry. */
  ack: (userId: string) => `im:ack:${userId}`,
  /** ZSET member = seq, score = in-flight deadline (unconfirmed) or −confirmedAt (confirmed). */
  pending: (userId: string) => `im:pending:${userId}`,
  /** ZSET member = burnt seq, score = when burnt; kept for the retention so a settle can tell burnt from acked. */
  burnt: (userId: string) => `im:burnt:${userId}`,
  /** clientMsgId is user input (any length, ':' or unicode): it is hashed into a fixed, colon-free suffix. */
  sendDedup: (senderId: string, clientMsgId: string) =>
    `im:dedup:${senderId}:${createHash('sha256').update(clientMsgId, 'utf8').digest('base64url')}`,
  /** HASH userId → last-seen epoch ms. */
  lastSeen: () => 'im:last-seen',
  revokedToken: (tokenId: string) => `im:revoked:${tokenId}`,
  /** ZSET member = revoked token id, score = its expiry (ms): what a revocation mirror reads when it (re)syncs. */
  revokedTokens: () => 'im:revoked-tokens',
  /** Pub/sub channel of new revocations (`expiresAtMs|tokenId`); channels span every database, so it names its own. */
  revokedTokensChannel: (db: number) => `im:revoked-tokens:${db}`,
  /** ZSET of a user's sessions: member `tokenId|platform`, score = token expiry (ms). */
  userSessions: (userId: string) => `im:sessions:${userId}`,
  /** `userId|platform` of one session, expiring with its token. */
  session: (tokenId: string) => `im:session:${tokenId}`,
  /** HASH publicUrl, internalUrl, startedAt of a push node; expires unless the node heartbeats. */
  node: (nodeId: string) => `im:node:${nodeId}`,
  /** SET of registered node ids; a member whose `im:node:{id}` is gone is dead until it re-registers. */
  nodes: () => 'im:nodes',
  /** Pub/sub channel of nodes that left gracefully; channels span every database, so the name carries its own. */
  nodeLeftChannel: (db: number) => `im:nodes:left:${db}`,
} as const;
