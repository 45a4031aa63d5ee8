import { ConfigError, ConfigModule, SwitchboardConfig } from '@app/config';
import { CLOCK, systemClock } from '@app/core';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggingModule } from './logging.module';
import { MetricsModule } from './metrics';

/** The system clock, for every app. */
@Global()
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}

/** Ends a failed boot with one line naming the app and the cause (a setting or an unreachable engine). */
export function exitOnBootFailure(app: string): (error: unknown) => never {
  return (error: unknown) => {
    const message = error instanceof ConfigError ? error.message : ((error as Error)?.message ?? String(error));
    console.error(`${app} failed to start: ${message}`);
    process.exit(1);
  };
}

/** The modules every app starts from: its validated config, structured logs, metrics and the clock. */
export function appFoundation(config: SwitchboardConfig): DynamicModule[] {
  return [ConfigModule.forRoot(config), { module: LoggingModule }, { module: MetricsModule }, { module: ClockModule }];
}
