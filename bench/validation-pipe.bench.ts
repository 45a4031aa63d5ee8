/*
 * What the global validation pipe costs per 1:1 send body (issue 8's profile put class-validator and
 * class-transformer at ~8 % of the one-process server's CPU per message), with and without the DTO's fast accept.
 *
 *   npm run bench:validation            # OPS=50000 ROUNDS=5
 *
 * Prints CPU µs per transform (user + system, this process) for each pipe, the median of ROUNDS, each round after a
 * warm-up of the same size, bodies varied per op so nothing is cached.
 */
import 'reflect-metadata';
import { SendMessageDto } from '@app/messaging';
import { createValidationPipe } from '@app/platform';
import type { ArgumentMetadata, ValidationPipe } from '@nestjs/common';

const OPS = Number(process.env.OPS ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const metadata: ArgumentMetadata = { type: 'body', metatype: SendMessageDto, data: undefined };

const sendBody = (i: number) => ({
  to: { userId: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' },
  body: `message ${i} from the validation bench`,
  clientMsgId: `c-${i}`,
});

async function cpuMicrosPerOp(pipe: ValidationPipe): Promise<number> {
  for (let i = 0; i < OPS; i++) await pipe.transform(sendBody(i), metadata);
  const start = process.cpuUsage();
  for (let i = 0; i < OPS; i++) await pipe.transform(sendBody(i), metadata);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / OPS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const pipes = {
    'class-validator': createValidationPipe({ fastAccept: false }),
    'fast accept': createValidationPipe(),
  };
  const figures: Record<string, number[]> = { 'class-validator': [], 'fast accept': [] };
  // interleaved, so a noisy moment of the box falls on both
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, pipe] of Object.entries(pipes)) figures[name].push(await cpuMicrosPerOp(pipe));
  }
  for (const [name, runs] of Object.entries(figures)) {
    const all = runs.map((r) => r.toFixed(2)).join(' / ');
    console.log(`${name.padEnd(16)} ${median(runs).toFixed(2)} µs CPU per send body (rounds: ${all})`);
  }
}

void main();
