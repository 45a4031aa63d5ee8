import type { SwitchboardConfig } from '@app/config';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Level, type Logger } from 'pino';

/** Not worth a line per scrape or probe. */
const QUIET_URLS = new Set(['/health', '/metrics']);

const loggers = new WeakMap<SwitchboardConfig, Logger>();

/** The process's one pino logger for an app's config: Fastify's request lines and Nest's Logger both write to it. */
export function rootLoggerFor(config: SwitchboardConfig): Logger {
  let logger = loggers.get(config);
  if (!logger) {
    logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] });
    loggers.set(config, logger);
  }
  return logger;
}

/**
 * One line per finished request, at a level its outcome earns: 5xx or a failed response `error`, 4xx `warn`, the
 * rest `debug`. The level is checked before anything is built, so a line the level suppresses (a success, below
 * debug) costs a comparison; Fastify's own "incoming request" line is not written. Lines carry `requestId` (the
 * request logger's binding).
 */
export class RequestLogController extends LogController {
  constructor(private readonly logger: Logger) {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const level: Level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug';
    if (!this.logger.isLevelEnabled(level) || QUIET_URLS.has(request.url)) return;
    // Fastify's serializers turn these into {method, url, host, remoteAddress, remotePort} and {statusCode}
    request.log[level](
      { req: request, res: reply, responseTime: reply.elapsedTime, ...(error && { err: error }) },
      error ? 'request errored' : 'request completed',
    );
  }
}
