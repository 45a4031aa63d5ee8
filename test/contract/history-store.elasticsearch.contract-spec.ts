import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { createElasticsearchClient, ElasticsearchHistoryStore } from '@app/elasticsearch';
import { historyStoreContract } from './suites/history-store.contract';

// Real Elasticsearch (npm run infra:up); a fresh index per run, dropped at the end.
const url = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
jest.setTimeout(30_000);

describe('HistoryStore — Elasticsearch', () => {
  const index = `switchboard-history-test-${randomUUID()}`;
  let client: Client | undefined;

  historyStoreContract({
    create: async () => {
      client = createElasticsearchClient(url);
      const store = new ElasticsearchHistoryStore(client, { index });
      await store.ensureIndex();
      return store;
    },
    close: async () => {
      if (!client) return;
      await client.indices.delete({ index }, { ignore: [404] });
      await client.close();
    },
  });
});
