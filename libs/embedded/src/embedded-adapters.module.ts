import {
  HISTORY_STORE,
  INBOX_STORE,
  INVALIDATION_BUS,
  MESSAGE_BUS,
  PRESENCE_STORE,
  SEND_DEDUP_STORE,
  TOKEN_REVOCATION_STORE,
} from '@app/core';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { EmbeddedDatabase } from './embedded-database';
import { SqliteHistoryStore } from './history.sqlite';
import { SqliteInboxStore } from './inbox.sqlite';
import { InProcessMessageBus } from './message-bus.in-process';
import { InProcessInvalidationBus } from './invalidation-bus.in-process';
import { InMemoryPresenceStore } from './presence.memory';
import { SqliteSendDedupStore } from './send-dedup.sqlite';
import { SqliteTokenRevocationStore } from './token-revocation.sqlite';

/** Binds every message-side port to its embedded adapter (one SQLite file, in-process bus and presence). */
@Module({})
export class EmbeddedAdaptersModule implements OnApplicationShutdown {
  constructor(@Inject(EmbeddedDatabase) private readonly database: EmbeddedDatabase) {}

  static forRoot(options: { file: string; retentionMs: number }): DynamicModule {
    const providers = [
      { provide: EmbeddedDatabase, useFactory: () => new EmbeddedDatabase(options.file) },
      {
        provide: INBOX_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteInboxStore(db, { retentionMs: options.retentionMs }),
      },
      {
        provide: SEND_DEDUP_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteSendDedupStore(db),
      },
      {
        provide: TOKEN_REVOCATION_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteTokenRevocationStore(db),
      },
      {
        provide: HISTORY_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteHistoryStore(db),
      },
      { provide: PRESENCE_STORE, useFactory: () => new InMemoryPresenceStore() },
      { provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus() },
      { provide: INVALIDATION_BUS, useFactory: () => new InProcessInvalidationBus() },
    ];
    return { module: EmbeddedAdaptersModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }

  onApplicationShutdown(): void {
    this.database.close();
  }
}
