import {
  Clock,
  CLOCK,
  HISTORY_STORE,
  INBOX_STORE,
  INVALIDATION_BUS,
  LAST_SEEN_STORE,
  MESSAGE_BUS,
  PRESENCE_EVENTS,
  PRESENCE_STORE,
  SEND_DEDUP_STORE,
  SEND_JOURNAL,
  SESSION_REGISTRY,
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
import { SqliteSessionRegistry } from './session-registry.sqlite';
import { InProcessPresenceEvents } from './presence-events.in-process';
import { SqliteLastSeenStore } from './last-seen.sqlite';
import { SqliteSendJournal } from './send-journal.sqlite';

/** Binds every message-side port to its embedded adapter (one SQLite file, in-process bus and presence). */
@Module({})
export class EmbeddedAdaptersModule implements OnApplicationShutdown {
  constructor(
    @Inject(EmbeddedDatabase) private readonly database: EmbeddedDatabase,
    @Inject(PRESENCE_EVENTS) private readonly presenceEvents: InProcessPresenceEvents,
  ) {}

  static forRoot(options: { file: string; retentionMs: number }): DynamicModule {
    const providers = [
      { provide: EmbeddedDatabase, useFactory: () => new EmbeddedDatabase(options.file) },
      {
        provide: INBOX_STORE,
        inject: [EmbeddedDatabase, CLOCK],
        useFactory: (db: EmbeddedDatabase, clock: Clock) =>
          new SqliteInboxStore(db, { retentionMs: options.retentionMs }, clock),
      },
      {
        provide: SEND_DEDUP_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteSendDedupStore(db),
      },
      {
        provide: TOKEN_REVOCATION_STORE,
        inject: [EmbeddedDatabase, CLOCK],
        useFactory: (db: EmbeddedDatabase, clock: Clock) => new SqliteTokenRevocationStore(db, clock),
      },
      {
        provide: SESSION_REGISTRY,
        inject: [EmbeddedDatabase, CLOCK],
        useFactory: (db: EmbeddedDatabase, clock: Clock) => new SqliteSessionRegistry(db, clock),
      },
      {
        provide: HISTORY_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteHistoryStore(db),
      },
      {
        provide: SEND_JOURNAL,
        inject: [EmbeddedDatabase, INBOX_STORE, HISTORY_STORE, SEND_DEDUP_STORE],
        useFactory: (
          db: EmbeddedDatabase,
          inbox: SqliteInboxStore,
          history: SqliteHistoryStore,
          dedup: SqliteSendDedupStore,
        ) => new SqliteSendJournal(db, inbox, history, dedup),
      },
      { provide: PRESENCE_STORE, inject: [CLOCK], useFactory: (clock: Clock) => new InMemoryPresenceStore(clock) },
      { provide: PRESENCE_EVENTS, useFactory: () => new InProcessPresenceEvents() },
      {
        provide: LAST_SEEN_STORE,
        inject: [EmbeddedDatabase],
        useFactory: (db: EmbeddedDatabase) => new SqliteLastSeenStore(db),
      },
      { provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus() },
      { provide: INVALIDATION_BUS, useFactory: () => new InProcessInvalidationBus() },
    ];
    return { module: EmbeddedAdaptersModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.presenceEvents.close();
    this.database.close();
    // the checkpoint worker closes its own connection: the process does not end mid-checkpoint
    await this.database.checkpointer?.exited;
  }
}
