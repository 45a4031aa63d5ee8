import { PassThrough } from 'node:stream';
import { format } from 'node:util';
import { Logger } from '@nestjs/common';
import { TaskCancelledError, timeout, TimeoutPolicy, TimeoutStrategy } from 'cockatiel';
import {
  BaseClient,
  BaseClientOptions,
  Endpoints,
  ILogger,
  MessageOptions,
  MessageView,
  Producer,
  ProducerOptions,
  PublishingLoadBalancer,
  PublishingMessage,
  PublishingSettings,
  SendReceipt,
  SessionCredentials,
  SimpleConsumer,
  SimpleConsumerOptions,
  StatusChecker,
  TooManyRequestsException,
  TopicRouteData,
} from 'rocketmq-client-nodejs';
// the protocol's generated stubs, shipped with the client (it has no batched ack of its own)
import { Code, Resource } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import { AckMessageRequest, SendMessageRequest } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb';
import { setTimeout as sleep } from 'node:timers/promises';

/** What every client of one RocketMQ 5 proxy needs. */
export interface RocketMqConnectionOptions {
  /** The proxy's gRPC address(es), `host:port[;host:port]`, e.g. `127.0.0.1:8081`. */
  endpoints: string;
  namespace?: string;
  sessionCredentials?: SessionCredentials;
  /** Deadline of each RPC except long polling (client default 3 s, minimum 1 s). */
  requestTimeoutMs?: number;
}

export function clientOptions(options: RocketMqConnectionOptions, context: string): BaseClientOptions {
  return {
    endpoints: options.endpoints,
    namespace: options.namespace ?? '',
    sessionCredentials: options.sessionCredentials,
    requestTimeout: options.requestTimeoutMs ?? 3_000,
    logger: clientLogger(context),
  };
}

/**
 * Without a logger the client opens a file under ~/logs/rocketmq; route it to Nest's logger instead. Its info and
 * debug output is lifecycle chatter (sessions, routes, every receive), so only warnings and errors are kept.
 */
function clientLogger(context: string): ILogger {
  const logger = new Logger(context);
  // The client logs printf-style (`%s`, `%d`, `%j`), as util.format reads them.
  const text = (args: unknown[]) => format(...args);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => logger.warn(text(args)),
    error: (...args: unknown[]) => logger.error(text(args)),
  };
}

type TelemetryStream = ReturnType<BaseClient['createTelemetryStream']>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires `any[]` in a mixin's constructor type
type ClientConstructor = abstract new (...args: any[]) => BaseClient;

/**
 * Two gaps in the client's shutdown. Its telemetry session re-opens the stream one second after any error or end, on a
 * timer that shutdown() does not cancel: a re-open after shutdown builds a fresh gRPC channel that keeps the process
 * alive for ever (met when the proxy went away during a test run). So once stopping, new streams are inert in-memory
 * ones. And when the termination notice fails (proxy gone), shutdown() throws before releasing sessions and channels,
 * so release them here.
 */
function withSafeShutdown<T extends ClientConstructor>(Base: T) {
  abstract class SafeShutdown extends Base {
    #stopping = false;

    override createTelemetryStream(endpoints: Endpoints): TelemetryStream {
      if (this.#stopping) return new PassThrough({ objectMode: true }) as unknown as TelemetryStream;
      return super.createTelemetryStream(endpoints);
    }

    override async shutdown(): Promise<void> {
      this.#stopping = true;
      try {
        await super.shutdown();
      } catch (err) {
        for (const endpoints of this.getTotalRouteEndpoints()) this.getTelemetrySession(endpoints).release();
        this.getRpcClientManager().close();
        throw err;
      }
    }
  }
  return SafeShutdown;
}

export class SafeSimpleConsumer extends withSafeShutdown(SimpleConsumer) {
  constructor(options: SimpleConsumerOptions) {
    super(options);
  }

  /**
   * Acks many messages in one AckMessage RPC per topic and endpoint. The protocol's request takes a list of entries,
   * but the client's `ack` sends one message per RPC; the generated stub and the client's own RPC hook do the rest.
   * Resolves with the number of entries the proxy refused (they come back after their invisible duration).
   */
  async ackAll(views: MessageView[]): Promise<number> {
    const byRoute = new Map<string, MessageView[]>();
    for (const view of views) {
      const key = `${view.topic}\u0000${view.endpoints.toString()}`;
      byRoute.set(key, [...(byRoute.get(key) ?? []), view]);
    }
    let refused = 0;
    for (const route of byRoute.values()) {
      const request = new AckMessageRequest()
        .setGroup(new Resource().setName(this.consumerGroup))
        .setTopic(new Resource().setName(route[0].topic));
      for (const view of route) request.addEntries().setMessageId(view.messageId).setReceiptHandle(view.receiptHandle);
      const response = (await this.ackMessageViaRpc(route[0].endpoints, request, this.requestTimeout)).toObject();
      StatusChecker.check(response.status);
      refused += response.entriesList.filter((e) => e.status?.code !== Code.OK).length;
    }
    return refused;
  }
}

/** Also a liveness probe: `updateRoutes` is the client's own route query, one RPC per topic. */
export class ProbedProducer extends withSafeShutdown(Producer) {
  /** Per topic: the route the balancer was built from, and the balancer (it keeps the round-robin position). */
  readonly #balancers = new Map<string, { route: TopicRouteData; balancer: PublishingLoadBalancer }>();

  constructor(options: ProducerOptions) {
    super(options);
  }

  probe(): Promise<void> {
    return this.updateRoutes();
  }

  /**
   * Sends NORMAL messages of one topic in one SendMessage RPC and resolves with one receipt per message, in order. The
   * protocol's request takes a list, but the client's `send` puts one message in each RPC. The proxy stores a list as
   * a RocketMQ batch — one atomic append to the commit log, read back by consumers as separate messages — and answers
   * one entry for all of it, so each message's receipt is that entry (its status was checked). Retried on the next
   * queue like the client's own send: immediately after a failure, after the retry policy's delay when the proxy is
   * too busy; the last failure is thrown for the whole batch.
   */
  async sendAll(messages: MessageOptions[]): Promise<SendReceipt[]> {
    if (!this.isRunning()) throw new Error('Producer is not running now');
    const settings = this.getSettings() as PublishingSettings;
    const published = messages.map((m) => new PublishingMessage(m, settings, false));
    const topic = published[0].topic;
    if (published.some((m) => m.topic !== topic)) throw new TypeError('a batch must keep to one topic');
    const retryPolicy = settings.getRetryPolicy()!;
    const maxAttempts = retryPolicy.getMaxAttempts();
    const queues = (await this.#balancer(topic)).takeMessageQueues(this.isolated, maxAttempts);
    let receipts: SendReceipt[];
    for (let attempt = 1; ; attempt++) {
      const queue = queues[(attempt - 1) % queues.length];
      const request = new SendMessageRequest();
      for (const message of published) request.addMessages(message.toProtobuf(this.namespace, queue));
      try {
        const rpc = this.getRpcClientManager();
        const response = await rpc.sendMessage(queue.broker.endpoints, request, this.requestTimeout);
        receipts = SendReceipt.processResponseInvocation(queue, response);
        break;
      } catch (err) {
        if (attempt >= maxAttempts) throw err;
        if (err instanceof TooManyRequestsException) await sleep(retryPolicy.getNextAttemptDelay(attempt + 1));
        else this.isolated.set(queue.broker.endpoints.facade, queue.broker.endpoints);
      }
    }
    if (receipts.length === messages.length) return receipts;
    if (receipts.length === 1) return messages.map(() => receipts[0]);
    // stored, but answered in a shape this code does not know: not retried (that would store it twice)
    throw new Error(`the proxy answered ${receipts.length} entries for a batch of ${messages.length}`);
  }

  async #balancer(topic: string): Promise<PublishingLoadBalancer> {
    const route = await this.getRouteData(topic); // the client's cache, refreshed by its own route updates
    const known = this.#balancers.get(topic);
    if (known?.route === route) return known.balancer;
    const balancer = known ? known.balancer.update(route) : new PublishingLoadBalancer(route);
    this.#balancers.set(topic, { route, balancer });
    return balancer;
  }
}

/**
 * Startup waits for the proxy's first settings with no deadline of its own, and a client that failed to start must
 * still be shut down: its idle-check interval runs from construction and would keep the process alive.
 */
export async function startClient<T extends BaseClient>(client: T, deadline: Deadline, logger: Logger): Promise<T> {
  try {
    await deadline.run('RocketMQ client startup', () => client.startup());
    return client;
  } catch (err) {
    await shutdownClient(client, logger);
    throw err;
  }
}

/** Never throws: a failed termination notice is only logged (the safe clients release their channels anyway). */
export async function shutdownClient(client: BaseClient, logger: Logger): Promise<void> {
  try {
    await client.shutdown();
  } catch (err) {
    logger.warn(`RocketMQ client ${client.clientId} did not shut down cleanly: ${errorText(err)}`);
  }
}

/**
 * An upper bound on a rare call that takes no AbortSignal (client startup, the route probe): a cockatiel timeout
 * policy, built once per bound. Aggressive: the call is abandoned, not cancelled, and may still settle later. Its error
 * names what timed out (cockatiel's own says only 'Operation timed out').
 */
export class Deadline {
  private readonly policy: TimeoutPolicy;

  constructor(readonly ms: number) {
    this.policy = timeout(ms, TimeoutStrategy.Aggressive);
  }

  async run<T>(what: string, task: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(() => task());
    } catch (err) {
      throw err instanceof TaskCancelledError ? new Error(`${what} timed out after ${this.ms} ms`) : err;
    }
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
