import { TokensModule } from '@app/tokens';
import { NettyNodeConfig } from '@app/config';
import { INBOX_STORE, InboxStore, PRESENCE_STORE, PresenceStore } from '@app/core';
import { appFoundation, HealthModule } from '@app/platform';
import { NodeIdentity, PushDeliveryService, PushModule } from '@app/push';
import { RedisAdaptersModule } from '@app/redis';
import { InternalPushServer } from '@app/transport';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { NodeLifecycle } from './node-lifecycle.service';

@Global()
@Module({})
class NodeBindingsModule {
  static forConfig(config: NettyNodeConfig): DynamicModule {
    const providers = [{ provide: NodeIdentity, useValue: new NodeIdentity(config.NODE_ID, config.PUBLIC_URL) }];
    return { module: NodeBindingsModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** apps/netty-node: a push node (socket.io for clients, an internal WebSocket for dispatch) on Redis. */
@Module({})
export class NettyNodeModule {
  static register(config: NettyNodeConfig): DynamicModule {
    return {
      module: NettyNodeModule,
      imports: [
        ...appFoundation(config),
        RedisAdaptersModule.forRoot({
          url: config.REDIS_URL,
          clientName: `netty-node:${config.NODE_ID}`,
          retentionMs: config.INBOX_RETENTION_HOURS * 3600_000,
        }),
        NodeBindingsModule.forConfig(config),
        TokensModule,
        PushModule,
        HealthModule.forChecks((ref) => [
          { name: 'redis', check: () => ref.get<PresenceStore>(PRESENCE_STORE, { strict: false }).ping() },
          { name: 'inbox', check: () => ref.get<InboxStore>(INBOX_STORE, { strict: false }).ping() },
        ]),
      ],
      providers: [
        NodeLifecycle,
        {
          // dispatch's way in: batches for this node's sockets over the internal WebSocket (opened by NodeLifecycle)
          provide: InternalPushServer,
          inject: [PushDeliveryService],
          useFactory: (delivery: PushDeliveryService) =>
            new InternalPushServer(
              { port: config.INTERNAL_PORT, host: config.HOST, secret: config.INTERNAL_SECRET },
              (batch) => delivery.deliver(batch),
            ),
        },
      ],
    };
  }
}
