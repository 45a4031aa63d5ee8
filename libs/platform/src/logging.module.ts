import { SwitchboardConfig } from '@app/config';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { requestIdFor } from './request-id';

/** Structured JSON logs (pino) with the request id on every line of a request. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [SwitchboardConfig],
      useFactory: (config: SwitchboardConfig) => ({
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.LOG_LEVEL,
          genReqId: requestIdFor,
          autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          customLogLevel: (_req, res, err) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        },
      }),
    }),
  ],
})
export class LoggingModule {}
