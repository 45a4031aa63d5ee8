import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { BusSubscription, ConsumerGroup, EnvelopeHandler, MessageBus, MessageEnvelope, settleWithin } from '@app/core';
import { ExponentialBackoff, IBackoffFactory, noJitterGenerator } from 'cockatiel';
import {
  BadRequestException,
  FilterExpression,
  ForbiddenException,
  MessageOptions,
  MessageView,
  NotFoundException,
  SendReceipt,
  UnauthorizedException,
} from 'rocketmq-client-nodejs';
import { PublishBatcher } from './publish-batcher';
import {
  clientOptions,
  Deadline,
  errorText,
  ProbedProducer,
  RocketMqConnectionOptions,
  SafeSimpleConsumer,
  shutdownClient,
  startClient,
} from './rocketmq-connection';

export interface RocketMqMessageBusOptions extends RocketMqConnectionOptions {
  /** A NORMAL-type topic (messages are published without a message group). */
  topic: string;
  /** Consumer group name = `${groupPrefix}-${group}`, e.g. `switchboard-history`. Default `switchboard`. */
  groupPrefix?: string;
  /** How long a received message stays hidden before it is delivered again unless acked (proxy minimum: 10 s). */
  invisibleDurationMs: number;
  /** Messages per receive (proxy maximum: 32). Default 32. */
  batchSize?: number;
  /** Long-polling wait of an empty receive; the proxy clamps it to 5–20 s. Default 20 s (idle cost). */
  awaitDurationMs?: number;
  /**
   * Pause after a receive that brought fewer than `batchSize` messages, so that the next one brings more: the broker
   * and the client pay per receive and per ack RPC, and a trickle otherwise comes one message per RPC. Delays storage
   * (history, offline inbox) by at most this much, never the push. Default 0.
   */
  receiveLingerMs?: number;
  /**
   * Upper bound on one publish. Default 10 s: above the client's own worst case (3 attempts × request timeout), so its
   * deadlines normally decide. A publish rejected here may still land later; consumers are idempotent.
   */
  publishTimeoutMs?: number;
  /** Upper bound on starting a client (route query and first settings exchange). Default 15 s. */
  startupTimeoutMs?: number;
  /** Most messages published in one SendMessage RPC (those published in the same event-loop turn). Default 32. */
  publishBatchMax?: number;
}

type Defaulted =
  | 'groupPrefix'
  | 'batchSize'
  | 'awaitDurationMs'
  | 'receiveLingerMs'
  | 'publishTimeoutMs'
  | 'startupTimeoutMs'
  | 'publishBatchMax';

/** A batch's bodies stay well below the broker's 4 MiB message limit; a larger envelope goes alone. */
const PUBLISH_BATCH_BYTES = 1024 * 1024;
type ResolvedOptions = RocketMqMessageBusOptions & Required<Pick<RocketMqMessageBusOptions, Defaulted>>;

/** The pause after each failed receive in a row: 200 ms, doubling, at most 10 s (no jitter: one loop per group). */
const RECEIVE_BACKOFF = new ExponentialBackoff({ generator: noJitterGenerator, initialDelay: 200, maxDelay: 10_000 });

/**
 * The cluster bus (see docs/architecture.md, 'The path of one message'): RocketMQ 5 through its gRPC proxy. `publish`
 * resolves only on the broker's receipt; each consumer group is a SimpleConsumer whose messages are acked only after
 * the handler has stored them.
 */
export class RocketMqMessageBus implements MessageBus {
  private readonly logger = new Logger(RocketMqMessageBus.name);
  private readonly options: ResolvedOptions;
  private readonly subscriptions = new Set<RocketMqSubscription>();
  private readonly startup: Deadline;
  private producer?: Promise<ProbedProducer>;
  private closed = false;
  /** Publishes of one event-loop turn share one RPC; each still resolves only on its own message's receipt. */
  private readonly batcher: PublishBatcher<MessageOptions, SendReceipt>;

  constructor(options: RocketMqMessageBusOptions) {
    this.options = {
      ...options,
      groupPrefix: options.groupPrefix ?? 'switchboard',
      batchSize: options.batchSize ?? 32,
      // an idle consumer costs one receive RPC per await duration (per group, per queue it polls)
      awaitDurationMs: options.awaitDurationMs ?? 20_000,
      receiveLingerMs: options.receiveLingerMs ?? 0,
      publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
      startupTimeoutMs: options.startupTimeoutMs ?? 15_000,
      publishBatchMax: options.publishBatchMax ?? 32,
    };
    this.startup = new Deadline(this.options.startupTimeoutMs);
    this.batcher = new PublishBatcher((messages) => this.sendAll(messages), {
      maxCount: this.options.publishBatchMax,
      maxBytes: PUBLISH_BATCH_BYTES,
    });
  }

  /** Starts the producer now rather than on the first publish (fails fast on a wrong endpoint or topic). */
  async start(): Promise<void> {
    await this.getProducer();
  }

  async publish(envelope: MessageEnvelope): Promise<void> {
    this.assertOpen();
    const { messageId, type } = envelope.message;
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    const sending = this.batcher.enqueue(
      { topic: this.options.topic, tag: String(type), keys: [messageId], body },
      body.length,
    );
    const ms = this.options.publishTimeoutMs;
    const receipt = await settleWithin(
      sending,
      ms,
      () => new Error(`publish of ${messageId} timed out after ${ms} ms`),
    );
    if (!receipt?.messageId) throw new Error(`RocketMQ returned no receipt for ${messageId}`);
  }

  async subscribe(group: ConsumerGroup, handler: EnvelopeHandler): Promise<BusSubscription> {
    this.assertOpen();
    const consumerGroup = `${this.options.groupPrefix}-${group}`;
    const consumer = new SafeSimpleConsumer({
      ...clientOptions(this.options, `RocketMq:${consumerGroup}`),
      consumerGroup,
      subscriptions: new Map([[this.options.topic, FilterExpression.SUB_ALL]]),
      awaitDuration: this.options.awaitDurationMs,
    });
    await startClient(consumer, this.startup, this.logger);
    if (this.closed) {
      // close() ran while this consumer was starting and could not see it.
      await shutdownClient(consumer, this.logger);
      throw new Error('RocketMQ message bus is closed');
    }
    const subscription = new RocketMqSubscription(consumer, consumerGroup, handler, this.options, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** One route query to the proxy: proves the endpoint answers and the topic exists. */
  async ping(): Promise<void> {
    const producer = await this.getProducer();
    await this.startup.run('RocketMQ ping', () => producer.probe());
  }

  /** Stops every receive loop (waiting for in-flight batches) and shuts all clients down, so no timer is left. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    const producer = this.producer;
    this.producer = undefined;
    const started = await producer?.catch(() => undefined);
    if (started) await shutdownClient(started, this.logger);
  }

  private async sendAll(messages: MessageOptions[]): Promise<SendReceipt[]> {
    return (await this.getProducer()).sendAll(messages);
  }

  private getProducer(): Promise<ProbedProducer> {
    this.assertOpen();
    if (!this.producer) {
      const producer = new ProbedProducer({
        ...clientOptions(this.options, 'RocketMq:producer'),
        topics: [this.options.topic],
      });
      const starting = startClient(producer, this.startup, this.logger);
      // A failed start is retried by the next call instead of failing every later publish.
      starting.catch(() => {
        if (this.producer === starting) this.producer = undefined;
      });
      this.producer = starting;
    }
    return this.producer;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RocketMQ message bus is closed');
  }
}

/** One consumer group's receive loop: long-poll a batch, hand it over, ack what the handler stored. */
class RocketMqSubscription implements BusSubscription {
  private readonly logger: Logger;
  private stopping = false;
  private loop?: Promise<void>;
  private processing?: Promise<void>;
  /** Aborted by close(): ends a pause after a failed receive at once. */
  private readonly stopped = new AbortController();
  private closing?: Promise<void>;

  constructor(
    private readonly consumer: SafeSimpleConsumer,
    private readonly group: string,
    private readonly handler: EnvelopeHandler,
    private readonly options: { batchSize: number; invisibleDurationMs: number; receiveLingerMs: number },
    private readonly onClosed: () => void,
  ) {
    this.logger = new Logger(`RocketMqSubscription:${group}`);
  }

  start(): void {
    this.loop = this.run();
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    // A batch being stored is finished and acked; a pending long poll (up to the await duration) is abandoned: what it
    // may still bring is not handled and comes back after the invisible duration.
    await this.processing;
    await shutdownClient(this.consumer, this.logger);
    this.onClosed();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let backoff: IBackoffFactory<unknown> = RECEIVE_BACKOFF;
    while (!this.stopping) {
      try {
        const views = await this.consumer.receive(this.options.batchSize, this.options.invisibleDurationMs);
        failures = 0;
        backoff = RECEIVE_BACKOFF;
        if (this.stopping) break;
        if (views.length > 0) {
          this.processing = this.process(views);
          await this.processing;
          this.processing = undefined;
          // a short batch means a trickle: let the next one gather (an empty receive already waited its long poll)
          if (views.length < this.options.batchSize && this.options.receiveLingerMs > 0)
            await sleep(this.options.receiveLingerMs, undefined, { signal: this.stopped.signal }).catch(
              () => undefined,
            );
        }
      } catch (err) {
        if (this.stopping) break;
        failures++;
        const pause = backoff.next(undefined);
        backoff = pause;
        // Configuration faults (unknown topic or group, invisible duration below the proxy's minimum) will not heal.
        const log = isConfigurationFault(err) ? 'error' : 'warn';
        this.logger[log](`receive failed (${failures} in a row), retrying in ${pause.duration} ms: ${errorText(err)}`);
        // close() cuts the pause short (the abort rejects it)
        await sleep(pause.duration, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      }
    }
  }

  private async process(views: MessageView[]): Promise<void> {
    const batch: { view: MessageView; envelope: MessageEnvelope }[] = [];
    const poison: MessageView[] = [];
    for (const view of views) {
      // A checksum mismatch may be a transport fault: leave it un-acked so that it comes back (or goes to the DLQ).
      if (view.corrupted) {
        this.logger.error(`message ${view.messageId} failed its body checksum; leaving it for redelivery`);
        continue;
      }
      const envelope = decodeEnvelope(view.body);
      if (envelope) batch.push({ view, envelope });
      else poison.push(view);
    }
    if (poison.length > 0) {
      // Undecodable messages never get better: drop them instead of letting them come back forever.
      this.logger.error(
        `dropping ${poison.length} undecodable message(s): ${poison.map((v) => v.messageId).join(', ')}`,
      );
      await this.ack(poison);
    }
    if (batch.length === 0) return;
    let failed: Set<number>;
    try {
      const outcome = await this.handler(batch.map((b) => b.envelope));
      failed = new Set(outcome?.failed ?? []);
    } catch (err) {
      // Not acked: the broker delivers the batch again after the invisible duration. Handlers are idempotent.
      this.logger.warn(
        `handler failed for ${batch.length} message(s), redelivery after ${this.options.invisibleDurationMs} ms: ${errorText(err)}`,
      );
      return;
    }
    if (failed.size > 0)
      this.logger.warn(
        `${failed.size} of ${batch.length} message(s) not stored in ${this.group}, redelivery after ${this.options.invisibleDurationMs} ms`,
      );
    // only the stored ones are acked: the failed ones come back alone, the others are not written again
    await this.ack(batch.filter((_, i) => !failed.has(i)).map((b) => b.view));
  }

  /** One AckMessage RPC for the batch. A refused or failed ack: the message comes back and is handled again (idempotently). */
  private async ack(views: MessageView[]): Promise<void> {
    if (views.length === 0) return;
    try {
      const refused = await this.consumer.ackAll(views);
      if (refused > 0) this.logger.warn(`${refused} of ${views.length} ack(s) refused in ${this.group}`);
    } catch (err) {
      this.logger.warn(`ack of ${views.length} message(s) failed in ${this.group}: ${errorText(err)}`);
    }
  }
}

function decodeEnvelope(body: Buffer): MessageEnvelope | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<MessageEnvelope> | null;
    const valid =
      typeof value === 'object' &&
      value !== null &&
      typeof value.message?.messageId === 'string' &&
      Array.isArray(value.recipients) &&
      typeof value.storeInHistory === 'boolean';
    return valid ? (value as MessageEnvelope) : undefined;
  } catch {
    return undefined;
  }
}

function isConfigurationFault(err: unknown): boolean {
  return [BadRequestException, NotFoundException, ForbiddenException, UnauthorizedException].some(
    (type) => err instanceof type,
  );
}
