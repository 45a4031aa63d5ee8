import { DependencyUnavailableError, HISTORY_STORE } from '@app/core';
import { DynamicModule, Module } from '@nestjs/common';
import { createElasticsearchClient } from './elasticsearch-connection';
import { ElasticsearchHistoryStore } from './history.elasticsearch';

/** Binds HISTORY_STORE to Elasticsearch; the boot fails, naming ELASTICSEARCH_URL, when the index cannot be set up. */
@Module({})
export class ElasticsearchHistoryModule {
  /** `refresh: false` for the indexing side (storage-worker): bulk requests then do not wait for a refresh. */
  static forRoot(options: { url: string; index: string; refresh?: 'wait_for' | boolean }): DynamicModule {
    const provider = {
      provide: HISTORY_STORE,
      useFactory: async () => {
        const store = new ElasticsearchHistoryStore(createElasticsearchClient(options.url), {
          index: options.index,
          refresh: options.refresh,
        });
        try {
          await store.ensureIndex();
        } catch (error) {
          // the client's own reason, not the translated 'elasticsearch is unavailable'
          const reason = error instanceof DependencyUnavailableError ? error.cause : error;
          throw new Error(
            `Elasticsearch at ${options.url} is unreachable or refused the index (ELASTICSEARCH_URL): ${(reason as Error).message}`,
          );
        }
        return store;
      },
    };
    return { module: ElasticsearchHistoryModule, global: true, providers: [provider], exports: [HISTORY_STORE] };
  }
}
