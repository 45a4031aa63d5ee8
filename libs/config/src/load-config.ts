import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads an app's settings from the environment into its config class and validates them once at boot. A missing or
 * wrong setting stops the app with a message naming each offending variable.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length) {
    const lines = errors.flatMap((e: ValidationError) =>
      Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`),
    );
    throw new ConfigError(`Invalid configuration for ${cls.name}:\n${lines.join('\n')}`);
  }
  return config;
}
