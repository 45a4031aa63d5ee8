import { Client, errors } from '@elastic/elasticsearch';
import { DependencyUnavailableError, ErrorCode, PartialWriteError } from '@app/core';
import { freePort } from '@app/testing';
import { isElasticsearchUnavailable } from './elasticsearch-unavailable';
import { ElasticsearchHistoryStore } from './history.elasticsearch';

/** A response error as the client builds it from an answer of `statusCode`. */
function responseError(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    statusCode,
    body: { error: { type, reason: type }, status: statusCode },
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

describe('isElasticsearchUnavailable', () => {
  it('recognises what the client throws when no node answers', async () => {
    const client = new Client({ node: `http://127.0.0.1:${await freePort()}`, maxRetries: 0 });
    const refused = await client.info().catch((e: unknown) => e);
    await client.close();
    expect(refused).toBeInstanceOf(errors.ConnectionError);
    expect(isElasticsearchUnavailable(refused)).toBe(true);
    expect(isElasticsearchUnavailable(new errors.NoLivingConnectionsError('no living connections', {} as never))).toBe(
      true,
    );
    expect(isElasticsearchUnavailable(new errors.TimeoutError('Request timed out', {} as never))).toBe(true);
  });

  it("recognises the cluster's own refusals: 5xx, and 429 when its queues are full", () => {
    expect(isElasticsearchUnavailable(responseError(503, 'search_phase_execution_exception'))).toBe(true);
    expect(isElasticsearchUnavailable(responseError(502, 'bad_gateway'))).toBe(true);
    expect(isElasticsearchUnavailable(responseError(500, 'internal_server_error'))).toBe(true);
    expect(isElasticsearchUnavailable(responseError(429, 'es_rejected_execution_exception'))).toBe(true);
  });

  it('does not take an answer about the request itself, a serialization error or a bug for an outage', () => {
    expect(isElasticsearchUnavailable(responseError(400, 'parsing_exception'))).toBe(false);
    expect(isElasticsearchUnavailable(responseError(404, 'index_not_found_exception'))).toBe(false);
    expect(isElasticsearchUnavailable(responseError(409, 'version_conflict_engine_exception'))).toBe(false);
    expect(isElasticsearchUnavailable(new errors.SerializationError('bad json', {}))).toBe(false);
    expect(isElasticsearchUnavailable(new PartialWriteError(['m1'], 'one failed'))).toBe(false);
    expect(isElasticsearchUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});

describe('the Elasticsearch history store when Elasticsearch is down', () => {
  it('throws DependencyUnavailableError naming elasticsearch, with the client error as its cause', async () => {
    const client = new Client({ node: `http://127.0.0.1:${await freePort()}`, maxRetries: 0 });
    const store = new ElasticsearchHistoryStore(client, { index: 'history-down' });
    try {
      const error = await store.page({ conversationId: 'c', limit: 10 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(error).toMatchObject({
        code: ErrorCode.DependencyUnavailable,
        message: 'elasticsearch is unavailable, try again',
      });
      expect((error as Error).cause).toBeInstanceOf(errors.ConnectionError);
      await expect(store.search({ scope: { userId: 'u', groupIds: [] }, text: 'hi', limit: 5 })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
    } finally {
      await client.close();
    }
  });
});
