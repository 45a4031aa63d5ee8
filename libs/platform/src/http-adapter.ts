import type { SwitchboardConfig } from '@app/config';
import type { DynamicModule, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { apiErrorOf } from './all-exceptions.filter';
import { LazyChildLogger } from './lazy-child.logger';
import { echoRequestId, requestIdOf } from './request-id';
import { RequestLogController, rootLoggerFor } from './request-log.controller';

/**
 * Idle keep-alive connections are kept 65 s (Node's default is 5 s): clients, proxies and load balancers that keep a
 * connection for up to 60 s no longer reopen it mid-load, and reopened connections queue for accept behind a busy loop.
 */
const KEEP_ALIVE_MS = 65_000;
/** Node's own default, which Fastify turns off: a request must have arrived in full within 5 minutes. */
const REQUEST_TIMEOUT_MS = 300_000;
/** Fastify refuses longer path parameters (default 100); a request line cannot outgrow Node's 16 KiB header limit. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * Every app's HTTP edge: Fastify with the body limit, request ids, keep-alive and request logging set up here, and Nest
 * on top. Finish it with `configureHttpApp`. Nest's body parsers are off: `configureHttpApp` installs the JSON one.
 */
export function createHttpApp(
  module: DynamicModule,
  config: SwitchboardConfig,
  options: NestApplicationOptions = {},
): Promise<NestFastifyApplication> {
  return NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
    ...options,
  });
}

function createHttpAdapter(config: SwitchboardConfig): FastifyAdapter {
  const logger = rootLoggerFor(config);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogController(logger),
    childLoggerFactory: (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) =>
      new LazyChildLogger(parent as Logger, bindings, options),
    genReqId: requestIdOf,
    bodyLimit: config.httpBodyLimitBytes,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // must exceed the keep-alive timeout, or a request arriving just before it ends is cut off
    http: { headersTimeout: KEEP_ALIVE_MS + 1000 },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // as on Express: `/api/v1/groups/` is `/api/v1/groups`, and long ids reach the route (which names the problem)
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerRoutingError,
    // no Nest middleware anywhere: every request would pay for middie's pass
    skipMiddie: true,
  });
  adapter.getInstance().addHook('onRequest', echoRequestId);
  return adapter;
}

/** A URL the router cannot decode (`/conversations/%E0%A4%A`): answered before any hook runs, in the one format. */
function answerRoutingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = { ...apiErrorOf(error), requestId: request.id };
  void reply.header('x-request-id', request.id).code(body.statusCode).send(body);
}
