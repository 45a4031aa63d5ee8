import { PassThrough } from 'node:stream';
import { format } from 'node:util';
import { Logger } from '@nestjs/common';
import { TaskCancelledError, timeout, TimeoutPolicy, TimeoutStrategy } from 'cockatiel';
import {
  BaseClient,
  BaseClientOptions,
  Endpoints,
  ILogger,
  MessageView,
  Producer,
  ProducerOptions,
  SessionCredentials,
  SimpleConsumer,
  SimpleConsumerOptions,
  StatusChecker,
} from 'rocketmq-client-nodejs';
// the protocol's generated stubs, shipped with the client (it has no batched ack of its own)
import { Code, Resource } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import { AckMessageRequest } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb';

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
  constructor(options: ProducerOptions) {
    super(options);
  }

  probe(): Promise<void> {
    return this.updateRoutes();
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
