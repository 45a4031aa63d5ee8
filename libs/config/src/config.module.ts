import { DynamicModule, Module } from '@nestjs/common';
import { SwitchboardConfig } from './switchboard.config';

/** Makes the app's validated config injectable as `SwitchboardConfig` and as its own class. */
@Module({})
export class ConfigModule {
  static forRoot<T extends SwitchboardConfig>(config: T): DynamicModule {
    const own = config.constructor as new () => T;
    const providers = [
      { provide: SwitchboardConfig, useValue: config },
      ...(own === SwitchboardConfig ? [] : [{ provide: own, useValue: config }]),
    ];
    return { module: ConfigModule, global: true, providers, exports: providers };
  }
}
