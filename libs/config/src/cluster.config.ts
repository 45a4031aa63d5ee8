import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { SwitchboardConfig } from './switchboard.config';

const url = { require_tld: false, require_protocol: true } as const;
const NODE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** Settings every split app needs: secrets are mandatory there (nothing is generated). */
export class ClusterConfig extends SwitchboardConfig {
  @IsDefined({ message: 'JWT_SECRET is required' })
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  declare JWT_SECRET: string;

  /** Authenticates the internal calls: gateway → dispatch, dispatch → push node. */
  @IsDefined({ message: 'INTERNAL_SECRET is required' })
  @IsString()
  @MinLength(32, { message: 'INTERNAL_SECRET must be at least 32 characters' })
  INTERNAL_SECRET: string;

  @IsDefined({ message: 'REDIS_URL is required' })
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConfigClass<T = object> = new (...args: any[]) => T;

/** The Elasticsearch settings, for the apps that read or write history (gateway, storage-worker). */
function WithElasticsearch<TBase extends ConfigClass<ClusterConfig>>(Base: TBase) {
  class ElasticsearchClientConfig extends Base {
    @IsDefined({ message: 'ELASTICSEARCH_URL is required' })
    @IsUrl(url, { message: 'ELASTICSEARCH_URL must be an http(s) URL' })
    ELASTICSEARCH_URL: string;

    @IsString()
    @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'ELASTICSEARCH_INDEX must be a lowercase index name' })
    ELASTICSEARCH_INDEX = 'switchboard-messages';
  }
  return ElasticsearchClientConfig;
}

/** apps/gateway: public REST API, auth, social graph, history queries, /ws entry. */
export class GatewayConfig extends WithElasticsearch(ClusterConfig) {
  @IsDefined({ message: 'DATABASE_URL is required' })
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must look like postgres://user@host:5432/db' })
  DATABASE_URL: string;

  @IsInt()
  @Min(1)
  @Max(200)
  @Type(() => Number)
  DATABASE_POOL_SIZE = 10;

  /** message-dispatch's internal dispatch API (its RPC_PORT): tcp://host:port. */
  @IsDefined({ message: 'DISPATCH_URL is required' })
  @Matches(/^tcp:\/\/[\w.-]+:\d+\/?$/, { message: 'DISPATCH_URL must look like tcp://message-dispatch:3301' })
  DISPATCH_URL: string;

  @IsInt()
  @Min(1)
  @Max(4096)
  @Type(() => Number)
  /** 640 keeps the busiest of 10 nodes within ~6 % of the mean (bench/hash-ring-balance.ts); rebuilds stay ~1 ms. */
  HASH_RING_VIRTUAL_NODES = 640;
}

/** apps/netty-node: a push node holding client sockets. */
export class NettyNodeConfig extends ClusterConfig {
  override PORT = 3101;

  /** PEER_URL, or INTERNAL_URL's host with this node's PORT. */
  get peerUrl(): string {
    if (this.PEER_URL) return this.PEER_URL;
    const internal = new URL(this.INTERNAL_URL);
    return `http://${internal.hostname}:${this.PORT}`;
  }

  @Matches(NODE_ID, { message: 'NODE_ID must be 1-64 letters, digits, - or _' })
  @IsDefined({ message: 'NODE_ID is required' })
  NODE_ID: string;

  /** socket.io URL given to clients at login (the node's public address). */
  @IsDefined({ message: 'PUBLIC_URL is required' })
  @IsUrl(url, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL: string;

  /**
   * This node's socket.io address as other services reach it (the gateway's /ws forwards there). Defaults to
   * INTERNAL_URL's host with PORT: right whenever dispatch and the gateways share a network.
   */
  @IsOptional()
  @IsUrl(url, { message: 'PEER_URL must be an http(s) URL' })
  PEER_URL?: string;

  /** Port of the internal WebSocket that message-dispatch pushes batches into. */
  @IsInt()
  @Min(0)
  @Max(65535)
  @Type(() => Number)
  INTERNAL_PORT = 3201;

  /** How dispatch reaches INTERNAL_PORT (ws://host:port). */
  @IsDefined({ message: 'INTERNAL_URL is required' })
  @IsUrl({ ...url, protocols: ['ws', 'wss'] }, { message: 'INTERNAL_URL must be a ws:// URL' })
  INTERNAL_URL: string;

  @IsInt()
  @Min(500)
  @Max(60_000)
  @Type(() => Number)
  NODE_HEARTBEAT_MS = 3000;

  /** A node missing heartbeats for this long is dead: it leaves the ring and its routes are removed. */
  @IsInt()
  @Min(1000)
  @Max(300_000)
  @Type(() => Number)
  NODE_TTL_MS = 10_000;

  /** Graceful drain: how long a stopping node waits for its clients to leave. */
  @IsInt()
  @Min(0)
  @Max(300_000)
  @Type(() => Number)
  DRAIN_TIMEOUT_MS = 10_000;
}

/** Settings of the apps that talk to RocketMQ. */
export class RocketMqClientConfig extends ClusterConfig {
  @IsDefined({ message: 'ROCKETMQ_ENDPOINTS is required' })
  @Matches(/^[\w.-]+:\d+(;[\w.-]+:\d+)*$/, { message: 'ROCKETMQ_ENDPOINTS must look like 127.0.0.1:8081' })
  ROCKETMQ_ENDPOINTS: string;

  @IsString()
  @MinLength(1)
  ROCKETMQ_TOPIC = 'switchboard-messages';
}

/** apps/message-dispatch: accepts sends over its internal HTTP API, publishes, routes pushes. */
export class MessageDispatchConfig extends RocketMqClientConfig {
  override PORT = 3300;

  /** The internal dispatch API (@nestjs/microservices TCP transport) the gateways' DISPATCH_URL points at. */
  @IsInt()
  @Min(1)
  @Max(65535)
  @Type(() => Number)
  RPC_PORT = 3301;

  /** Most messages published in one RocketMQ SendMessage RPC: the sends of one event-loop turn go together. */
  @IsInt()
  @Min(1)
  @Max(256)
  @Type(() => Number)
  ROCKETMQ_PUBLISH_BATCH_MAX = 32;
}

/** apps/storage-worker: the history (Elasticsearch) and offline (Redis inbox) consumer groups. */
export class StorageWorkerConfig extends WithElasticsearch(RocketMqClientConfig) {
  override PORT = 3400;

  /** Consumer groups are `<prefix>-history` and `<prefix>-offline`. */
  @IsString()
  @MinLength(1)
  ROCKETMQ_GROUP_PREFIX = 'switchboard';

  /** How long a message a consumer failed on stays hidden before it is delivered again (RocketMQ minimum 10 s). */
  @IsInt()
  @Min(10_000)
  @Max(3_600_000)
  @Type(() => Number)
  ROCKETMQ_INVISIBLE_MS = 15_000;

  /** Messages per receive of each consumer group: one Elasticsearch _bulk / one Redis script / one ack each. */
  @IsInt()
  @Min(1)
  @Max(32)
  @Type(() => Number)
  ROCKETMQ_BATCH_SIZE = 32;

  /** Long-polling wait of an idle receive (the proxy clamps it to 5–20 s): longer costs less CPU when idle. */
  @IsInt()
  @Min(5_000)
  @Max(20_000)
  @Type(() => Number)
  ROCKETMQ_AWAIT_MS = 20_000;

  /**
   * Pause after a receive that brought less than a full batch, so that the next receive gathers more: fewer receive
   * and ack RPCs per message (broker and worker CPU) for at most this much later storage; pushes do not wait for it.
   */
  @IsInt()
  @Min(0)
  @Max(1_000)
  @Type(() => Number)
  ROCKETMQ_RECEIVE_LINGER_MS = 50;
}
