import { MESSAGE_BUS } from '@app/core';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { RocketMqMessageBus, RocketMqMessageBusOptions } from './message-bus.rocketmq';

/** Binds MESSAGE_BUS to RocketMQ; the boot fails, naming ROCKETMQ_ENDPOINTS, when the proxy or topic is not there. */
@Module({})
export class RocketMqBusModule implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: RocketMqMessageBus) {}

  static forRoot(options: RocketMqMessageBusOptions & { startProducer: boolean }): DynamicModule {
    const provider = {
      provide: MESSAGE_BUS,
      useFactory: async () => {
        const bus = new RocketMqMessageBus(options);
        if (options.startProducer) {
          try {
            await bus.start();
          } catch (error) {
            await bus.close().catch(() => undefined);
            throw new Error(
              `RocketMQ proxy at ${options.endpoints} is unreachable or has no topic ${options.topic} (ROCKETMQ_ENDPOINTS): ${(error as Error).message}`,
            );
          }
        }
        return bus;
      },
    };
    return { module: RocketMqBusModule, global: true, providers: [provider], exports: [MESSAGE_BUS] };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
