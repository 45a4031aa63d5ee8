import { DependencyUnavailableError, DomainError, ErrorCode } from '@app/core';
import { Controller, Get, Inject, Module, DynamicModule, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from './public.decorator';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, TerminusModule } from '@nestjs/terminus';
import { ModuleRef } from '@nestjs/core';
import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';

/** A dependency the app needs to serve: `check` throws when it is not usable. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export type DependencyCheckFactory = (moduleRef: ModuleRef) => DependencyCheck[];
const DEPENDENCY_CHECKS = Symbol('DependencyChecks');
/**
 * Each check's bound, built once (terminus's timeouts belong to its own indicators, not to custom checks). Aggressive: a
 * check that hangs is reported down and left to finish; unref'd, so it never holds the process open.
 */
const CHECK_TIMEOUT = timeout(2000, TimeoutStrategy.Aggressive).dangerouslyUnref();

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[],
  ) {}

  @Get()
  @ApiOperation({ summary: 'Readiness of every dependency (503 naming the ones that are down)' })
  @HealthCheck()
  async check() {
    try {
      return await this.checkAll();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Terminus's 503 carries the per-dependency results; keep them in the one error format, naming what is down. */
  private unavailable(error: unknown): unknown {
    if (!(error instanceof ServiceUnavailableException)) return error;
    const { details = {} } = error.getResponse() as { details?: Record<string, { status: string; message?: string }> };
    const down = Object.entries(details)
      .filter(([, result]) => result.status !== 'up')
      .map(([name, result]) => (result.message ? `${name} (${result.message})` : name));
    return new DomainError(ErrorCode.DependencyUnavailable, `unavailable: ${down.join(', ')}`, details);
  }

  private checkAll() {
    return this.health.check(
      this.checks.map((c) => async (): Promise<HealthIndicatorResult> => {
        try {
          await CHECK_TIMEOUT.execute(() => c.check());
          return { [c.name]: { status: 'up' } };
        } catch (error) {
          // an adapter's DependencyUnavailableError names the engine; its cause says why, which is what an operator needs
          const cause = error instanceof DependencyUnavailableError ? (error.cause as Error | undefined) : undefined;
          const message = error instanceof TaskCancelledError ? 'timed out' : (cause ?? (error as Error)).message;
          return { [c.name]: { status: 'down', message } };
        }
      }),
    );
  }
}

@Module({})
export class HealthModule {
  /** Each app lists the dependencies whose readiness `/health` reports. */
  static forChecks(factory: DependencyCheckFactory): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
      controllers: [HealthController],
      providers: [{ provide: DEPENDENCY_CHECKS, inject: [ModuleRef], useFactory: (ref: ModuleRef) => factory(ref) }],
    };
  }
}
