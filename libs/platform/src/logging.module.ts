import { SwitchboardConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { rootLoggerFor } from './request-log.controller';

/**
 * Structured JSON logs (pino): Nest's Logger writes to the process's one logger, which Fastify also writes its request
 * lines to (with the request id, see RequestLogController). No HTTP middleware (`forRoutes: []`): pino-http would
 * serialize every request into a child logger, whether or not a line is written.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [SwitchboardConfig],
      useFactory: (config: SwitchboardConfig) => ({ forRoutes: [], pinoHttp: { logger: rootLoggerFor(config) } }),
    }),
  ],
})
export class LoggingModule {}
