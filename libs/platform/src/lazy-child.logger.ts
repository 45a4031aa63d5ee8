import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

/**
 * A request's logger (`request.log`): the pino child that carries the request id is built by the first line written
 * through it. Most requests write none, and a pino child serializes its bindings when it is made, so building it up
 * front would charge every request for lines that are never written. Levels are those of the parent (no route sets
 * its own).
 */
export class LazyChildLogger implements FastifyBaseLogger {
  private built?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options?: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.built?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    if (!(this.built ?? this.parent).isLevelEnabled(level)) return;
    (this.logger()[level] as (...line: unknown[]) => void)(...args);
  }

  private logger(): Logger {
    return (this.built ??= this.parent.child(this.bindings, this.options));
  }
}
