import { errors } from '@elastic/elasticsearch';

/**
 * True for an @elastic/elasticsearch failure that says the cluster cannot be reached or cannot serve right now (the
 * caller may retry): no connection (refused, reset, DNS), no living node left in the pool, a request that timed out,
 * or the cluster's own refusal — a 5xx (unavailable shards, a node or proxy failing) or a 429 (its queues are full).
 * A 4xx about the request itself (a bad query, a missing index, a version conflict) is not one.
 */
export function isElasticsearchUnavailable(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.TimeoutError
  )
    return true;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    return status >= 500 || status === 429;
  }
  return false;
}
