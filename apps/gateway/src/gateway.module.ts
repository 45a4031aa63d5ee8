import { AccountsModule } from '@app/accounts';
import { TokenService } from '@app/tokens';
import { ClusterNodeDirectory } from '@app/cluster';
import { GatewayConfig } from '@app/config';
import {
  DISPATCHER,
  HISTORY_STORE,
  HistoryStore,
  INBOX_STORE,
  InboxStore,
  NODE_DIRECTORY,
  NODE_REGISTRY,
  NodeRegistry,
} from '@app/core';
import { ElasticsearchHistoryModule } from '@app/elasticsearch';
import { MessagingApiModule } from '@app/messaging';
import { RpcDispatcher } from '@app/dispatch';
import { PersistenceModule, RelationalStoreHealth } from '@app/persistence';
import { appFoundation, HealthModule, RateLimitModule } from '@app/platform';
import { emitterPushBroadcasterProvider, RATE_LIMIT_STORAGE, RedisAdaptersModule } from '@app/redis';
import { SocialModule } from '@app/social';
import { WebStaticModule } from '@app/web-static';
import { WsForwarder } from '@app/transport';
import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** The gateway's view of the cluster: the hash ring for logins, dispatch over the TCP transport, /ws forwarding. */
@Global()
@Module({})
class GatewayClusterModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(NODE_DIRECTORY) private readonly directory: ClusterNodeDirectory,
    private readonly forwarder: WsForwarder,
    @Inject(DISPATCHER) private readonly dispatcher: RpcDispatcher,
  ) {}

  static forConfig(config: GatewayConfig): DynamicModule {
    const providers = [
      {
        provide: NODE_DIRECTORY,
        inject: [NODE_REGISTRY],
        useFactory: (registry: NodeRegistry) =>
          new ClusterNodeDirectory(registry, { virtualNodes: config.HASH_RING_VIRTUAL_NODES }),
      },
      emitterPushBroadcasterProvider,
      {
        provide: DISPATCHER,
        useFactory: () =>
          new RpcDispatcher({
            url: config.DISPATCH_URL,
            secret: config.INTERNAL_SECRET,
            timeoutMs: config.PUBLISH_TIMEOUT_MS + 2000,
          }),
      },
      {
        provide: WsForwarder,
        inject: [TokenService, NODE_DIRECTORY],
        useFactory: (tokens: TokenService, directory: ClusterNodeDirectory) => {
          return new WsForwarder({
            nodeOfToken: async (token) => (await tokens.verify(token)).nodeId,
            // the address other services reach the node at: its public one may only work from outside
            urlOfNode: async (nodeId) => directory.nodeById(nodeId)?.peerUrl,
          });
        },
      },
    ];
    return {
      module: GatewayClusterModule,
      imports: [AccountsModule],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.directory.stop();
    this.forwarder.close();
    this.dispatcher.close();
  }
}

/** apps/gateway: public REST API, auth, social graph, history queries and the /ws entry, on PostgreSQL, Redis, ES. */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ...appFoundation(config),
        RateLimitModule.forRoot({ storageToken: RATE_LIMIT_STORAGE }),
        PersistenceModule.forRoot({ kind: 'postgres', url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        RedisAdaptersModule.forRoot({
          url: config.REDIS_URL,
          clientName: 'gateway',
          retentionMs: config.INBOX_RETENTION_HOURS * 3600_000,
        }),
        ElasticsearchHistoryModule.forRoot({ url: config.ELASTICSEARCH_URL, index: config.ELASTICSEARCH_INDEX }),
        GatewayClusterModule.forConfig(config),
        AccountsModule,
        SocialModule,
        MessagingApiModule,
        WebStaticModule.forRoot({ dir: config.WEB_DIR }),
        HealthModule.forChecks((ref) => [
          { name: 'postgres', check: () => ref.get(RelationalStoreHealth, { strict: false }).ping() },
          { name: 'redis', check: () => ref.get<InboxStore>(INBOX_STORE, { strict: false }).ping() },
          { name: 'elasticsearch', check: () => ref.get<HistoryStore>(HISTORY_STORE, { strict: false }).ping() },
          { name: 'message-dispatch', check: () => ref.get<RpcDispatcher>(DISPATCHER, { strict: false }).ping() },
        ]),
      ],
    };
  }
}
