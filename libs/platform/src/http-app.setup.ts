import { SwitchboardConfig } from '@app/config';
import { INestApplication, RequestMethod } from '@nestjs/common';
import type { Server } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { createValidationPipe } from './validation';
import { jsonBodyParser } from './body-parser';
import { assignRequestId } from './request-id';

export const API_PREFIX = 'api/v1';

/**
 * Create the app with `{ bufferLogs: true, bodyParser: false }`: the JSON parser installed here answers bad bodies.
 * Everything an HTTP-serving app shares: prefix, body limits, validation, errors, logs, Swagger, shutdown hooks. */
export function configureHttpApp(
  app: INestApplication,
  options: { title: string; swagger: boolean; unprefixed?: { path: string; method: RequestMethod }[] },
): void {
  const config = app.get(SwitchboardConfig);
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.disable('x-powered-by');
  express.use(assignRequestId);
  express.use(
    jsonBodyParser(config.HTTP_BODY_LIMIT, {
      maxDepth: config.HTTP_JSON_MAX_DEPTH,
      maxArrayLength: config.HTTP_JSON_MAX_ARRAY_LENGTH,
    }),
  );
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      // service-to-service API (message-dispatch): not part of the public versioned API
      { path: 'internal/dispatch', method: RequestMethod.POST },
      // e.g. the web app's client routes (WEB_APP_ROUTES of @app/web-static)
      ...(options.unprefixed ?? []),
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  keepConnectionsAlive(app);
  if (options.swagger) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(options.title)
        .setDescription(
          'Switchboard instant-messaging and push server. Errors are JSON: {statusCode, error, code, message, requestId}.',
        )
        .setVersion('1')
        .addBearerAuth()
        .addBearerAuth(
          { type: 'http', scheme: 'bearer', bearerFormat: 'ADMIN_TOKEN', description: 'ADMIN_TOKEN (admin API only)' },
          'admin',
        )
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
}

/**
 * Idle keep-alive connections are kept 65 s (Node's default is 5 s): clients, proxies and load balancers that keep a
 * connection for up to 60 s no longer reopen it mid-load, and reopened connections queue for accept behind a busy loop.
 */
const KEEP_ALIVE_MS = 65_000;

function keepConnectionsAlive(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // must exceed the keep-alive timeout, or a request arriving just before it ends is cut off
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
}
