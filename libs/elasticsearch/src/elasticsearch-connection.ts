import { Client } from '@elastic/elasticsearch';

export interface ElasticsearchClientOptions {
  /** Per-request timeout; the client default (10 min) would hide a stuck cluster from health checks. */
  requestTimeoutMs?: number;
  maxRetries?: number;
}

/** One client per process: it holds a keep-alive connection pool. Close it with `client.close()`. */
export function createElasticsearchClient(url: string, options: ElasticsearchClientOptions = {}): Client {
  return new Client({
    node: url,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
  });
}
