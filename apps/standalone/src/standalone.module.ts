import { AccountsModule } from '@app/accounts';
import { StandaloneConfig } from '@app/config';
import {
  DISPATCHER,
  HISTORY_STORE,
  HistoryStore,
  INBOX_STORE,
  InboxStore,
  NODE_DIRECTORY,
  PUSH_BROADCASTER,
  PUSH_TRANSPORT,
} from '@app/core';
import { EmbeddedAdaptersModule } from '@app/embedded';
import { MessagingApiModule } from '@app/messaging';
import { LocalDispatchModule, LocalMessageDispatcher } from '@app/dispatch';
import { PersistenceModule, RelationalStoreHealth } from '@app/persistence';
import { appFoundation, HealthModule, RateLimitModule } from '@app/platform';
import {
  localPushBroadcasterProvider,
  LocalPushTransport,
  NodeIdentity,
  PushModule,
  SingleNodeDirectory,
} from '@app/push';
import { SocialModule } from '@app/social';
import { WebStaticModule } from '@app/web-static';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { join } from 'node:path';

/** This process is its own (only) push node. */
@Global()
@Module({})
class NodeBindingsModule {
  static forIdentity(identity: NodeIdentity): DynamicModule {
    const providers = [
      { provide: NodeIdentity, useValue: identity },
      { provide: NODE_DIRECTORY, useValue: new SingleNodeDirectory(identity) },
    ];
    return { module: NodeBindingsModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** Dispatch and push share the process: the gateway calls dispatch directly (sends commit in the embedded journal), dispatch calls the local node. */
@Global()
@Module({
  imports: [LocalDispatchModule, PushModule],
  providers: [
    { provide: DISPATCHER, useExisting: LocalMessageDispatcher },
    { provide: PUSH_TRANSPORT, useClass: LocalPushTransport },
    localPushBroadcasterProvider,
  ],
  exports: [DISPATCHER, PUSH_TRANSPORT, PUSH_BROADCASTER],
})
class InProcessWiringModule {}

/** The quick start: gateway, push node, dispatch and storage worker in one process on embedded adapters. */
@Module({})
export class StandaloneModule {
  static register(config: StandaloneConfig): DynamicModule {
    const identity = new NodeIdentity(config.NODE_ID, config.PUBLIC_URL ?? `http://localhost:${config.PORT}`);
    return {
      module: StandaloneModule,
      imports: [
        ...appFoundation(config),
        RateLimitModule.forRoot(),
        NodeBindingsModule.forIdentity(identity),
        PersistenceModule.forRoot({ kind: 'sqlite', file: join(config.DATA_DIR, 'switchboard.sqlite') }),
        EmbeddedAdaptersModule.forRoot({
          file: join(config.DATA_DIR, 'messages.sqlite'),
          retentionMs: config.INBOX_RETENTION_HOURS * 3600_000,
        }),
        InProcessWiringModule,
        AccountsModule,
        SocialModule,
        MessagingApiModule,
        PushModule,
        WebStaticModule.forRoot({ dir: config.WEB_DIR }),
        HealthModule.forChecks((ref) => [
          { name: 'relational-store', check: () => ref.get(RelationalStoreHealth, { strict: false }).ping() },
          { name: 'inbox', check: () => ref.get<InboxStore>(INBOX_STORE, { strict: false }).ping() },
          { name: 'history', check: () => ref.get<HistoryStore>(HISTORY_STORE, { strict: false }).ping() },
        ]),
      ],
    };
  }
}
