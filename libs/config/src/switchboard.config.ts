import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

const url = { require_tld: false, require_protocol: true } as const;

const BODY_LIMIT = /^(\d+)(b|kb|mb)$/i;
const BODY_LIMIT_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** Settings shared by every app. Names are the environment variables, listed in the README. */
export class SwitchboardConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  @Type(() => Number)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** HMAC secret for access tokens; the same on every gateway and push node. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Access tokens are short-lived: clients trade their refresh token for a new one (POST /auth/refresh). */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  @Type(() => Number)
  JWT_TTL_SECONDS = 900;

  /** Lifetime of a refresh token (single-use; each refresh hands out a new one with a fresh lifetime). */
  @IsInt()
  @Min(300)
  @Max(90 * 24 * 3600)
  @Type(() => Number)
  REFRESH_TTL_SECONDS = 30 * 24 * 3600;

  @IsInt()
  @Min(1)
  @Max(24 * 30)
  @Type(() => Number)
  INBOX_RETENTION_HOURS = 72;

  @IsInt()
  @Min(1)
  @Max(24 * 7)
  @Type(() => Number)
  SEND_DEDUP_TTL_HOURS = 24;

  /** Largest request body (bytes once decompressed), e.g. 64kb: larger is 413 PAYLOAD_TOO_LARGE. */
  @Matches(BODY_LIMIT, { message: 'HTTP_BODY_LIMIT must look like 64kb' })
  HTTP_BODY_LIMIT = '64kb';

  /** HTTP_BODY_LIMIT in bytes (Fastify's `bodyLimit`); the setting was validated at boot. */
  get httpBodyLimitBytes(): number {
    const [, amount, unit] = BODY_LIMIT.exec(this.HTTP_BODY_LIMIT)!;
    return Number(amount) * BODY_LIMIT_UNITS[unit.toLowerCase()];
  }

  /** JSON bodies nested deeper than this are refused (400 BODY_TOO_DEEP) before anything walks them. */
  @IsInt()
  @Min(2)
  @Max(1000)
  @Type(() => Number)
  HTTP_JSON_MAX_DEPTH = 32;

  /** JSON bodies with an array longer than this are refused (400 BODY_ARRAY_TOO_LONG). */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  @Type(() => Number)
  HTTP_JSON_MAX_ARRAY_LENGTH = 1000;

  @IsInt()
  @Min(1)
  @Type(() => Number)
  RATE_LIMIT_SEND_PER_MINUTE = 1200;

  @IsInt()
  @Min(1)
  @Type(() => Number)
  RATE_LIMIT_LOGIN_PER_MINUTE = 20;

  /** Logins and registrations naming one username, from any address. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  RATE_LIMIT_LOGIN_PER_USERNAME_PER_MINUTE = 10;

  /** One typing indicator per user and conversation per this many ms; more is refused (429 RATE_LIMITED). */
  @IsInt()
  @Min(100)
  @Max(60_000)
  @Type(() => Number)
  RATE_LIMIT_TYPING_INTERVAL_MS = 1000;

  /** Password hashes (argon2, 64 MiB each) computed at once; the rest wait in a queue. */
  @IsInt()
  @Min(1)
  @Max(64)
  @Type(() => Number)
  PASSWORD_HASH_CONCURRENCY = 2;

  /** Logins/registrations that may wait for a hash; past it: 503 AUTH_BUSY (retry later), never a starved server. */
  @IsInt()
  @Min(0)
  @Type(() => Number)
  PASSWORD_HASH_QUEUE_MAX = 32;

  @IsInt()
  @Min(1)
  @Type(() => Number)
  RATE_LIMIT_DEFAULT_PER_MINUTE = 600;

  /**
   * Push node: most bytes the server may hold queued for one socket (socket.io write buffer + WebSocket buffered
   * amount). A socket past it stopped reading: it is dropped (SLOW_CONSUMER) and its inbox serves it on reconnect.
   * 0 turns the cap off.
   */
  @IsInt()
  @Min(0)
  @Type(() => Number)
  PUSH_SOCKET_MAX_QUEUED_BYTES = 1024 * 1024;

  /** Push node: most live sockets of one user on a node (more: WS error TOO_MANY_CONNECTIONS). */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  PUSH_MAX_CONNECTIONS_PER_USER = 10;

  /** Push node: most live sockets from one client address on a node (more: WS error TOO_MANY_CONNECTIONS). */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  PUSH_MAX_CONNECTIONS_PER_ADDRESS = 500;

  /** Push node: events (acks) one socket may send per second; past it they are dropped with a RATE_LIMITED error. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  PUSH_SOCKET_EVENTS_PER_SECOND = 200;

  /**
   * Push node: while a user keeps acking, their acks are held and written once per this window, at the highest seq
   * (a quiet user's ack is written at once). A shorter window moves the inbox watermark sooner for more writes.
   */
  @IsInt()
  @Min(10)
  @Max(10_000)
  @Type(() => Number)
  PUSH_ACK_WINDOW_MS = 500;

  /**
   * Push node: how long a client's route lives in presence without a heartbeat (the node refreshes its routes every
   * third of it). A node that dies without leaving has its routes reaped at once in a cluster; this bounds the rest.
   */
  @IsInt()
  @Min(3000)
  @Max(3600_000)
  @Type(() => Number)
  PUSH_ROUTE_TTL_MS = 60_000;

  /** How long dispatch waits for the broker's receipt before a send fails (and its seqs may be burnt). */
  @IsInt()
  @Min(100)
  @Max(60_000)
  @Type(() => Number)
  PUBLISH_TIMEOUT_MS = 5000;

  /** How long after sending a message its sender may still recall it. */
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  @Type(() => Number)
  RECALL_WINDOW_SECONDS = 120;

  /**
   * Bearer token of the admin API (`/api/v1/admin/*`, system notices). Unset: the admin API does not exist (404).
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters' })
  ADMIN_TOKEN?: string;

  /**
   * How many sessions a user may hold: `all` (any number), `per-platform` (a login ends the user's older sessions of
   * the same platform) or `single` (a login ends every older session). Ended sessions are revoked and kicked (211).
   */
  @IsIn(['all', 'per-platform', 'single'], { message: 'MULTI_DEVICE_POLICY must be all, per-platform or single' })
  MULTI_DEVICE_POLICY: 'all' | 'per-platform' | 'single' = 'all';

  /** The built web app the one-process server and the gateway serve at `/` (default: `dist/web` of the build). */
  @IsOptional()
  @IsString()
  WEB_DIR?: string;
}

/** The one-process server on embedded adapters (the quick start). */
export class StandaloneConfig extends SwitchboardConfig {
  /** Where the embedded SQLite files live. */
  @IsString()
  DATA_DIR = './data';

  /** The push URL clients are told to connect to; defaults to http://localhost:PORT. */
  @IsOptional()
  @IsUrl(url)
  PUBLIC_URL?: string;

  @IsString()
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'NODE_ID must be 1-64 letters, digits, - or _' })
  NODE_ID = 'standalone';
}
