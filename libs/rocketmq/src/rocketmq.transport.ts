import { BatchOutcome, BusSubscription, ConsumerGroup, MessageEnvelope } from '@app/core';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { RocketMqMessageBus, RocketMqMessageBusOptions } from './message-bus.rocketmq';

/** What an `@EventPattern(group)` handler gets beside its batch: the consumer group it runs in. */
export class RocketMqBatchContext extends BaseRpcContext<[group: string]> {
  get group(): string {
    return this.args[0];
  }
}

/**
 * A Nest microservice transport over RocketMQ (storage-worker): every `@EventPattern(<consumer group>)` handler
 * becomes that consumer group's receive loop. A handler gets a batch (up to the receive size) of envelopes and may
 * answer a BatchOutcome naming the entries it could not store: only the others are acked (one AckMessage RPC), so the
 * failed ones come back alone after the invisible duration. A handler that throws leaves the whole batch un-acked.
 */
export class RocketMqServer extends Server implements CustomTransportStrategy {
  private bus?: RocketMqMessageBus;
  private readonly subscriptions: BusSubscription[] = [];

  constructor(private readonly options: RocketMqMessageBusOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.bus = new RocketMqMessageBus(this.options);
      for (const [pattern, handler] of this.messageHandlers) {
        if (!handler.isEventHandler) throw new Error(`RocketMQ transport: ${pattern} must be an @EventPattern`);
        const group = pattern as ConsumerGroup;
        // the handler is taken here, once: Nest's lookup by pattern JSON.parses a string pattern and catches the throw,
        // on every batch (~1 % of the storage-worker's busy time in a bench:split profile)
        this.subscriptions.push(await this.bus.subscribe(group, (batch) => this.handle(group, handler, batch)));
      }
      callback();
    } catch (error) {
      await this.close();
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
    await this.bus?.close();
    this.bus = undefined;
  }

  on(): never {
    throw new Error('RocketMQ transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async handle(
    group: ConsumerGroup,
    handler: MessageHandler,
    batch: MessageEnvelope[],
  ): Promise<BatchOutcome | void> {
    // Nest's RPC proxy turns a thrown error into an erroring observable
    const result: unknown = await handler(batch, new RocketMqBatchContext([group]));
    const outcome = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
    return (outcome as BatchOutcome | undefined) ?? undefined;
  }
}
