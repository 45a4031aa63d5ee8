/*
 * What the global rate-limit guard costs per request (issue 8's profile put @nestjs/throttler at ~3 % of the
 * one-process server's CPU per 1:1 message), on the send route (counted in `default` and `send`) and on any other route
 * (`default` only), with the one-process server's in-memory counters.
 *
 *   npm run bench:rate-limit            # OPS=50000 ROUNDS=5 USERS=1000
 *
 * Prints CPU µs per guard call (user + system, this process), the median of ROUNDS, each round after a warm-up of the
 * same size; requests rotate over USERS users so the counters are as many as on a busy server.
 */
import 'reflect-metadata';
import { ConfigModule, loadConfig, StandaloneConfig } from '@app/config';
import { RateLimit, RateLimitGuard, RateLimitModule } from '@app/platform';
import { Controller, ExecutionContext, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';

const OPS = Number(process.env.OPS ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const USERS = Number(process.env.USERS ?? 1000);
const UNLIMITED = '100000000';

const config = loadConfig(StandaloneConfig, {
  DATA_DIR: '/tmp/switchboard-bench-rate-limit',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
  RATE_LIMIT_DEFAULT_PER_MINUTE: UNLIMITED,
  RATE_LIMIT_SEND_PER_MINUTE: UNLIMITED,
});

/** Two routes like the messaging controller's: the send route under the `send` bucket, and one under `default` only. */
@Controller('bench')
class BenchController {
  @Post()
  @RateLimit('send')
  send(): void {}

  @Get()
  search(): void {}
}

@Module({ imports: [ConfigModule.forRoot(config), RateLimitModule.forRoot()], providers: [RateLimitGuard] })
class BenchModule {}

/** A request to `route` of the bench controller by user `i % USERS`, as the guard sees it behind Fastify. */
function contextOf(route: (...args: never[]) => unknown, i: number): ExecutionContext {
  const req = { user: { userId: `user-${i % USERS}` }, ip: '127.0.0.1', headers: {}, params: {}, body: {} };
  const res = { header: () => res };
  return new ExecutionContextHost([req, res], BenchController, route);
}

async function cpuMicrosPerCall(guard: RateLimitGuard, route: (...args: never[]) => unknown): Promise<number> {
  for (let i = 0; i < OPS; i++) await guard.canActivate(contextOf(route, i));
  const start = process.cpuUsage();
  for (let i = 0; i < OPS; i++) await guard.canActivate(contextOf(route, i));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / OPS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const guard = app.get(RateLimitGuard);
  await guard.onModuleInit();
  const proto = BenchController.prototype;
  const routes = { 'send (default + send)': proto.send, 'other route (default)': proto.search };
  for (const [name, route] of Object.entries(routes)) {
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await cpuMicrosPerCall(guard, route));
    console.log(
      `${name.padEnd(24)} ${median(rounds).toFixed(2)} µs CPU per request (median of ${ROUNDS}; rounds ${rounds.map((v) => v.toFixed(2)).join(' ')})`,
    );
  }
  await app.close();
}

main().then(
  () => process.exit(0),
  (error) => (console.error(error), process.exit(1)),
);
