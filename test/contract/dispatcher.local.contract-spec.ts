import { loadConfig, StandaloneConfig } from '@app/config';
import { systemClock } from '@app/core';
import {
  EmbeddedDatabase,
  InMemoryPresenceStore,
  SqliteHistoryStore,
  SqliteInboxStore,
  SqliteSendDedupStore,
  SqliteSendJournal,
} from '@app/embedded';
import { LocalMessageDispatcher, PushRouter } from '@app/dispatch';
import { LocalPushTransport, NodeIdentity, PushDeliveryService, SlowConsumerGuard, SocketRegistry } from '@app/push';
import { Logger } from '@nestjs/common';
import { dispatcherContract } from './suites/dispatcher.contract';

/**
 * The one-process server's dispatcher, wired as in apps/standalone: the send journal on the embedded SQLite engine
 * (dedup answer, seqs, inbox entries and history row in one transaction), pushing to this process's own node.
 */
describe('Dispatcher — local (one process, SQLite)', () => {
  let database: EmbeddedDatabase;

  beforeAll(() => Logger.overrideLogger(['error'])); // the refused send of the outage warns

  dispatcherContract({
    create: async () => {
      database = new EmbeddedDatabase(':memory:');
      const config = loadConfig(StandaloneConfig, {});
      const inbox = new SqliteInboxStore(database, { retentionMs: config.INBOX_RETENTION_HOURS * 3600_000 });
      const journal = new SqliteSendJournal(
        database,
        inbox,
        new SqliteHistoryStore(database),
        new SqliteSendDedupStore(database),
      );
      const identity = new NodeIdentity(config.NODE_ID, `http://localhost:${config.PORT}`);
      const sockets = new SocketRegistry();
      const node = new PushDeliveryService(sockets, new SlowConsumerGuard(config, sockets));
      const router = new PushRouter(new InMemoryPresenceStore(), new LocalPushTransport(identity, node));
      return { dispatcher: new LocalMessageDispatcher(config, journal, systemClock, router), inbox };
    },
    outage: async () => database.close(),
    close: async () => database?.close(),
  });
});
