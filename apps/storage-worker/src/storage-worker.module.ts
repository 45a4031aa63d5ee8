import { StorageWorkerConfig } from '@app/config';
import { HISTORY_STORE, HistoryStore, INBOX_STORE, InboxStore, MESSAGE_BUS, MessageBus } from '@app/core';
import { ElasticsearchHistoryModule } from '@app/elasticsearch';
import { StorageEventsModule } from '@app/storage';
import { appFoundation, HealthModule } from '@app/platform';
import { RedisAdaptersModule } from '@app/redis';
import { RocketMqBusModule } from '@app/rocketmq';
import { DynamicModule, Module } from '@nestjs/common';

/** apps/storage-worker: a Nest microservice on RocketMQ consuming twice — history into Elasticsearch, offline into the Redis inbox. */
@Module({})
export class StorageWorkerModule {
  static register(config: StorageWorkerConfig): DynamicModule {
    return {
      module: StorageWorkerModule,
      imports: [
        ...appFoundation(config),
        RedisAdaptersModule.forRoot({
          url: config.REDIS_URL,
          clientName: 'storage-worker',
          retentionMs: config.INBOX_RETENTION_HOURS * 3600_000,
        }),
        // the consumers run in the RocketMqServer transport (main.ts); this client proves the proxy and topic at boot
        // and answers the health check
        RocketMqBusModule.forRoot({
          endpoints: config.ROCKETMQ_ENDPOINTS,
          topic: config.ROCKETMQ_TOPIC,
          groupPrefix: config.ROCKETMQ_GROUP_PREFIX,
          invisibleDurationMs: config.ROCKETMQ_INVISIBLE_MS,
          startProducer: true,
        }),
        // history may lag a refresh (≤ 1 s): delivery rides on push and the inbox, and waiting would cap indexing at ~15/s
        ElasticsearchHistoryModule.forRoot({
          url: config.ELASTICSEARCH_URL,
          index: config.ELASTICSEARCH_INDEX,
          refresh: false,
        }),
        StorageEventsModule,
        HealthModule.forChecks((ref) => [
          { name: 'inbox', check: () => ref.get<InboxStore>(INBOX_STORE, { strict: false }).ping() },
          { name: 'elasticsearch', check: () => ref.get<HistoryStore>(HISTORY_STORE, { strict: false }).ping() },
          { name: 'rocketmq', check: () => ref.get<MessageBus>(MESSAGE_BUS, { strict: false }).ping() },
        ]),
      ],
    };
  }
}
