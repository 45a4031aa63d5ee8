import { BatchOutcome, ConsumerGroup, MessageEnvelope, newTimeOrderedId } from '@app/core';
import { WireType } from '@app/protocol';
import { waitFor } from '@app/testing';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { RocketMqMessageBus, RocketMqMessageBusOptions } from './message-bus.rocketmq';
import { RocketMqBatchContext, RocketMqServer } from './rocketmq.transport';

// Real RocketMQ 5 proxy (npm run infra:up). Own consumer groups: the storage-worker's or the bus contract suite's would
// take each other's messages.
const options: RocketMqMessageBusOptions = {
  endpoints: process.env.ROCKETMQ_ENDPOINTS ?? '127.0.0.1:8081',
  topic: process.env.ROCKETMQ_TOPIC ?? 'switchboard-messages',
  groupPrefix: 'switchboard-transport-spec',
  // the proxy's minimum; a failed entry comes back after it plus the broker's revive and long poll (see the contract)
  invisibleDurationMs: 10_000,
  awaitDurationMs: 5_000,
  receiveLingerMs: 50,
};
jest.setTimeout(90_000);

function envelope(body: string): MessageEnvelope {
  return {
    message: {
      type: WireType.FriendMessage,
      messageId: newTimeOrderedId(),
      conversationId: 'd:a:b',
      senderId: 'a',
      receiverId: 'b',
      body,
      createdAt: new Date().toISOString(),
    },
    recipients: [{ userId: 'b', seq: 1 }],
    storeInHistory: true,
  };
}

/** What the handlers saw, per group, and what the test wants them to fail once. */
const seen: Record<string, { body: string; group: string }[]> = {};
const reportOnce = new Set<string>();
const throwOnce = new Set<string>();

@Controller()
class SpecConsumers {
  @EventPattern(ConsumerGroup.History)
  history(@Payload() batch: MessageEnvelope[], @Ctx() context: RocketMqBatchContext): Promise<BatchOutcome> {
    return record(batch, context);
  }

  @EventPattern(ConsumerGroup.Offline)
  offline(@Payload() batch: MessageEnvelope[], @Ctx() context: RocketMqBatchContext): Promise<BatchOutcome> {
    return record(batch, context);
  }
}

async function record(batch: MessageEnvelope[], context: RocketMqBatchContext): Promise<BatchOutcome> {
  const keyOf = (env: MessageEnvelope) => `${context.group}:${env.message.messageId}`;
  // before anything is recorded: a batch that throws stores nothing, and all of it comes back
  if (batch.some((env) => throwOnce.delete(keyOf(env)))) throw new Error('simulated handler failure');
  const failed: number[] = [];
  batch.forEach((env, i) => {
    if (reportOnce.delete(keyOf(env))) failed.push(i);
    else (seen[env.message.messageId] ??= []).push({ body: env.message.body ?? '', group: context.group });
  });
  return { failed };
}

@Module({ controllers: [SpecConsumers] })
class SpecModule {}

@Controller()
class RequestReplyConsumer {
  @MessagePattern(ConsumerGroup.History)
  history(): void {}
}

@Module({ controllers: [RequestReplyConsumer] })
class RequestReplyModule {}

describe('RocketMqServer (the storage-worker transport) on RocketMQ', () => {
  let app: INestMicroservice;
  let publisher: RocketMqMessageBus;
  const deliveries = (env: MessageEnvelope, group: ConsumerGroup) =>
    (seen[env.message.messageId] ?? []).filter((d) => d.group === group);

  beforeAll(async () => {
    app = await NestFactory.createMicroservice(SpecModule, {
      strategy: new RocketMqServer(options),
      logger: ['error'],
    });
    await app.listen();
    publisher = new RocketMqMessageBus(options);
    await publisher.start();
  });
  afterAll(async () => {
    await publisher?.close();
    await app?.close();
  });

  it('runs each @EventPattern handler as its consumer group, with the group in its context', async () => {
    const env = envelope('héllo 世界');
    await publisher.publish(env);
    await waitFor(
      () => deliveries(env, ConsumerGroup.History).length > 0 && deliveries(env, ConsumerGroup.Offline).length > 0,
      undefined,
      'both groups',
    );
    expect(deliveries(env, ConsumerGroup.History)).toEqual([{ body: 'héllo 世界', group: 'history' }]);
    expect(deliveries(env, ConsumerGroup.Offline)).toEqual([{ body: 'héllo 世界', group: 'offline' }]);
  });

  it('acks what a handler stored; what it reported unstored, or its whole batch when it threw, comes back', async () => {
    const [reported, thrown] = [envelope('reported'), envelope('thrown')];
    reportOnce.add(`offline:${reported.message.messageId}`);
    throwOnce.add(`history:${thrown.message.messageId}`);
    await Promise.all([publisher.publish(reported), publisher.publish(thrown)]);
    // each is stored where nothing failed (after a redelivery where it shared a batch with the thrown one)
    const redelivery = options.invisibleDurationMs + 30_000;
    await waitFor(() => deliveries(reported, ConsumerGroup.History).length > 0, redelivery, 'the stored one');
    await waitFor(() => deliveries(thrown, ConsumerGroup.Offline).length > 0, redelivery, 'the stored one');
    // and handed back after the invisible duration where it failed
    await waitFor(() => deliveries(reported, ConsumerGroup.Offline).length > 0, redelivery, 'the reported one back');
    await waitFor(() => deliveries(thrown, ConsumerGroup.History).length > 0, redelivery, 'the thrown batch back');
    expect(reportOnce.size + throwOnce.size).toBe(0);
    // nothing stored and acked came back
    expect(deliveries(reported, ConsumerGroup.History)).toHaveLength(1);
    expect(deliveries(thrown, ConsumerGroup.Offline)).toHaveLength(1);
  });

  it('refuses to start with a request-reply handler: a consumer group has nobody to answer', async () => {
    const refused = await NestFactory.createMicroservice(RequestReplyModule, {
      strategy: new RocketMqServer(options),
      logger: false,
    });
    await expect(refused.listen()).rejects.toThrow(/must be an @EventPattern/);
    await refused.close().catch(() => undefined);
  });
});
