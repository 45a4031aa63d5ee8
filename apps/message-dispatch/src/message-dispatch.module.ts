import { MessageDispatchConfig } from '@app/config';
import {
  Clock,
  CLOCK,
  PRESENCE_EVENTS,
  PRESENCE_STORE,
  PresenceEvents,
  PresenceStore,
  PUSH_TRANSPORT,
  INBOX_STORE,
  InboxStore,
  MESSAGE_BUS,
  MessageBus,
  NODE_REGISTRY,
  NodeRegistry,
} from '@app/core';
import { NodeReaper } from '@app/cluster';
import { InternalDispatchApiModule } from '@app/dispatch';
import { appFoundation, HealthModule } from '@app/platform';
import { RedisAdaptersModule } from '@app/redis';
import { RocketMqBusModule } from '@app/rocketmq';
import { NodeAddressCache, WsPushTransport } from '@app/transport';
import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** Pushes go to nodes over the internal WebSocket; dead nodes' routes are reaped here. */
@Global()
@Module({})
class ClusterWiringModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PUSH_TRANSPORT) private readonly transport: WsPushTransport,
    private readonly reaper: NodeReaper,
  ) {}

  static forConfig(config: MessageDispatchConfig): DynamicModule {
    const providers = [
      {
        provide: PUSH_TRANSPORT,
        inject: [NODE_REGISTRY, CLOCK],
        useFactory: (registry: NodeRegistry, clock: Clock) => {
          const addresses = new NodeAddressCache(() => registry.liveNodes(), undefined, clock);
          return new WsPushTransport(
            async (nodeId) => (await addresses.get(nodeId))?.internalUrl,
            config.INTERNAL_SECRET,
          );
        },
      },
      {
        provide: NodeReaper,
        inject: [NODE_REGISTRY, PRESENCE_STORE, PRESENCE_EVENTS, CLOCK],
        useFactory: (r: NodeRegistry, p: PresenceStore, e: PresenceEvents, clock: Clock) =>
          new NodeReaper(r, p, e, clock),
      },
    ];
    return { module: ClusterWiringModule, providers, exports: [PUSH_TRANSPORT] };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reaper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reaper.stop();
    this.transport.close();
  }
}

/** apps/message-dispatch: the internal send API on Redis (seqs, dedup, routes) and RocketMQ, pushing to nodes. */
@Module({})
export class MessageDispatchModule {
  static register(config: MessageDispatchConfig): DynamicModule {
    return {
      module: MessageDispatchModule,
      imports: [
        ...appFoundation(config),
        RedisAdaptersModule.forRoot({
          url: config.REDIS_URL,
          clientName: 'message-dispatch',
          retentionMs: config.INBOX_RETENTION_HOURS * 3600_000,
        }),
        RocketMqBusModule.forRoot({
          endpoints: config.ROCKETMQ_ENDPOINTS,
          topic: config.ROCKETMQ_TOPIC,
          invisibleDurationMs: 15_000,
          publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
          publishBatchMax: config.ROCKETMQ_PUBLISH_BATCH_MAX,
          startProducer: true,
        }),
        ClusterWiringModule.forConfig(config),
        InternalDispatchApiModule,
        HealthModule.forChecks((ref) => [
          { name: 'redis', check: () => ref.get<PresenceStore>(PRESENCE_STORE, { strict: false }).ping() },
          { name: 'inbox', check: () => ref.get<InboxStore>(INBOX_STORE, { strict: false }).ping() },
          { name: 'rocketmq', check: () => ref.get<MessageBus>(MESSAGE_BUS, { strict: false }).ping() },
        ]),
      ],
    };
  }
}
