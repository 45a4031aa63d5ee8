import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PresenceChange, PresenceChangeHandler, PresenceEvents, TranslateUnavailable } from '@app/core';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { logErrors } from './redis-connection';
import { isRedisUnavailable } from './redis-unavailable';

export interface RedisPresenceEventsOptions {
  /** Stream key (default `im:presence:events`). */
  stream?: string;
  /** Consumer group every consumer joins (default `presence`): each entry goes to one of its consumers. */
  group?: string;
  /** Approximate cap on the stream's length (XADD MAXLEN ~). */
  maxLen?: number;
  /** Entries a dead consumer left unacknowledged this long are claimed by a live one. */
  claimIdleMs?: number;
  blockMs?: number;
}

type StreamEntries = [id: string, fields: string[]][];

/**
 * The pause before reading again after a failed read: fixed, not a growing backoff, so that a consumer is back within
 * a second of Redis returning (a failing read costs one round trip and one warning a second).
 */
const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Presence changes over a Redis Stream: nodes XADD (MAXLEN ~), consumers of one group XREADGROUP, handle, then XACK;
 * entries left pending by a consumer that died are taken over with XAUTOCLAIM, and a failed handler's entry stays
 * pending until then (at-least-once). Each consumer reads on its own blocking connection.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisPresenceEvents implements PresenceEvents {
  private readonly logger = new Logger(RedisPresenceEvents.name);
  private readonly stream: string;
  private readonly group: string;
  private readonly maxLen: number;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private groupReady?: Promise<void>;
  private readonly consumers: { reader: Redis; done: Promise<void> }[] = [];
  private closed = false;

  constructor(
    private readonly redis: Redis,
    options: RedisPresenceEventsOptions = {},
  ) {
    this.stream = options.stream ?? 'im:presence:events';
    this.group = options.group ?? 'presence';
    this.maxLen = options.maxLen ?? 100_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.blockMs = options.blockMs ?? 2000;
  }

  async publish(change: PresenceChange): Promise<void> {
    // the group exists before the first entry, so changes published before any consumer started still reach one
    await this.ensureGroup();
    await this.redis.xadd(
      this.stream,
      'MAXLEN',
      '~',
      this.maxLen,
      '*',
      'u',
      change.userId,
      'o',
      change.online ? '1' : '0',
      't',
      String(change.at),
    );
  }

  async consume(handler: PresenceChangeHandler): Promise<void> {
    this.closed = false;
    await this.ensureGroup();
    const reader = logErrors(this.redis.duplicate());
    const name = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const consumer = { reader, done: Promise.resolve() };
    consumer.done = this.loop(reader, name, handler);
    this.consumers.push(consumer);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { reader } of this.consumers) reader.disconnect();
    await Promise.allSettled(this.consumers.map((c) => c.done));
    this.consumers.length = 0;
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= this.redis
      .xgroup('CREATE', this.stream, this.group, '$', 'MKSTREAM')
      .then(
        () => undefined,
        (error: Error) => {
          if (!/BUSYGROUP/.test(error.message)) throw error;
        },
      )
      .catch((error) => {
        this.groupReady = undefined;
        throw error;
      });
    return this.groupReady;
  }

  private async loop(reader: Redis, name: string, handler: PresenceChangeHandler): Promise<void> {
    let lastClaim = 0;
    while (!this.closed) {
      try {
        if (Date.now() - lastClaim >= Math.min(this.claimIdleMs, 5000)) {
          lastClaim = Date.now();
          const claimed = (await reader.xautoclaim(
            this.stream,
            this.group,
            name,
            this.claimIdleMs,
            '0',
            'COUNT',
            100,
          )) as [string, StreamEntries];
          await this.handle(reader, claimed[1], handler);
        }
        const answer = (await reader.xreadgroup(
          'GROUP',
          this.group,
          name,
          'COUNT',
          100,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          this.stream,
          '>',
        )) as [string, StreamEntries][] | null;
        if (answer) await this.handle(reader, answer[0][1], handler);
      } catch (error) {
        if (this.closed) return;
        if (/NOGROUP/.test((error as Error).message)) this.groupReady = undefined;
        this.logger.warn({ err: error }, 'reading presence changes failed; retrying');
        await sleep(RETRY_AFTER_FAILURE_MS, undefined, { ref: false });
        if (!this.groupReady) await this.ensureGroup().catch(() => undefined);
      }
    }
  }

  private async handle(reader: Redis, entries: StreamEntries, handler: PresenceChangeHandler): Promise<void> {
    for (const [id, fields] of entries) {
      if (!fields) {
        // trimmed away while pending
        await reader.xack(this.stream, this.group, id);
        continue;
      }
      const field = (key: string) => fields[fields.indexOf(key) + 1];
      try {
        await handler({ userId: field('u'), online: field('o') === '1', at: Number(field('t')) });
        await reader.xack(this.stream, this.group, id);
      } catch (error) {
        // left pending: XAUTOCLAIM hands it out again after claimIdleMs
        this.logger.warn({ err: error, id }, 'presence change not handled; it stays pending');
      }
    }
  }
}
