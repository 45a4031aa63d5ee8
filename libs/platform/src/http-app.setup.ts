import { SwitchboardConfig } from '@app/config';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { createValidationPipe } from './validation';
import { registerJsonBodyParser } from './body-parser';

export const API_PREFIX = 'api/v1';

/**
 * Everything an HTTP-serving app shares once created by `createHttpApp`: JSON bodies, prefix, validation, errors,
 * logs, Swagger, shutdown hooks (body limit, request ids and keep-alive are the adapter's).
 */
export function configureHttpApp(
  app: NestFastifyApplication,
  options: { title: string; swagger: boolean; unprefixed?: { path: string; method: RequestMethod }[] },
): void {
  const config = app.get(SwitchboardConfig);
  app.useLogger(app.get(Logger));
  registerJsonBodyParser(app.getHttpAdapter().getInstance(), {
    maxDepth: config.HTTP_JSON_MAX_DEPTH,
    maxArrayLength: config.HTTP_JSON_MAX_ARRAY_LENGTH,
  });
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
  app.useGlobalFilters(new AllExceptionsFilter(app.getHttpAdapter()));
  app.enableShutdownHooks();
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
