import {
  Clock,
  DeathListener,
  LeaveListener,
  NodeInfo,
  NodeRegistration,
  NodeRegistry,
  systemClock,
  TranslateUnavailable,
} from '@app/core';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { defineLuaCommand, logErrors, LuaCommand } from './redis-connection';
import { redisKeys } from './redis-keys';
import { isRedisUnavailable } from './redis-unavailable';

export interface RedisNodeRegistryOptions {
  /** How often watch() looks for members of `im:nodes` whose key is gone, in case a notification was missed. */
  sweepIntervalMs?: number;
  clock?: Clock;
}

/** KEYS: node, nodes. ARGV: id, ttlMs. Returns 0 when the key is gone (we were declared dead). */
const HEARTBEAT_LUA = `
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`;

/** KEYS: node, nodes. ARGV: id. Checked in the script: a node that re-registered meanwhile stays listed. */
const FORGET_DEAD_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return redis.call('SREM', KEYS[2], ARGV[1])
`;

const EXPIRED_PATTERN = '__keyevent@*__:expired';
const NODE_PREFIX = redisKeys.node('');

/**
 * Push-node registry on Redis (see docs/architecture.md, 'The cluster'): `im:node:{id}` expires unless heartbeated and
 * `im:nodes` lists every node. Deaths are seen through expiry notifications and confirmed by a periodic sweep; the
 * member leaves `im:nodes` only after the death listeners succeeded, so a process that crashes mid-cleanup leaves the
 * work to the next sweep.
 */
@TranslateUnavailable('redis', isRedisUnavailable)
export class RedisNodeRegistry implements NodeRegistry {
  private readonly logger = new Logger(RedisNodeRegistry.name);
  private readonly sweepIntervalMs: number;
  private readonly clock: Clock;
  private readonly heartbeatLua: LuaCommand;
  private readonly forgetDeadLua: LuaCommand;
  /** What this process registered, to re-register after being declared dead. */
  private readonly own = new Map<string, NodeInfo>();
  private readonly listeners = new Set<DeathListener>();
  private readonly leaveListeners = new Set<LeaveListener>();
  private readonly handling = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private subscriber?: Redis;
  private watching?: Promise<void>;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  private notificationsChecked?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    options: RedisNodeRegistryOptions = {},
  ) {
    this.sweepIntervalMs = options.sweepIntervalMs ?? 3000;
    this.clock = options.clock ?? systemClock;
    this.heartbeatLua = defineLuaCommand(redis, HEARTBEAT_LUA);
    this.forgetDeadLua = defineLuaCommand(redis, FORGET_DEAD_LUA);
  }

  async register(node: NodeRegistration, ttlMs: number): Promise<void> {
    const info: NodeInfo = {
      id: node.id,
      publicUrl: node.publicUrl,
      peerUrl: node.peerUrl,
      internalUrl: node.internalUrl,
      startedAt: this.clock.now(),
    };
    this.own.set(node.id, info);
    await this.write(info, ttlArg(ttlMs));
  }

  /**
   * Extends the node's TTL. Returns true if the key had vanished (we were declared dead) and the node was
   * registered again: its routes may have been removed, so the caller should re-assert them now.
   */
  async heartbeat(id: string, ttlMs: number): Promise<boolean> {
    const ttl = ttlArg(ttlMs);
    if ((await this.heartbeatLua([redisKeys.node(id), redisKeys.nodes()], [id, ttl])) === 1) return false;
    const info = this.own.get(id);
    if (!info) throw new Error(`node ${id} is not registered by this process`);
    this.logger.warn({ nodeId: id }, 'node key had expired (declared dead); registering again');
    await this.write(info, ttl);
    return true;
  }

  /**
   * Graceful drain: leave at once, and tell the watchers' `onLeft` so that every ring drops the node now rather than at
   * its next refresh. Not an expiry: death listeners (the reaper) are not called, the node removes its own routes.
   */
  async deregister(id: string): Promise<void> {
    this.own.delete(id);
    await exec(this.redis.multi().del(redisKeys.node(id)).srem(redisKeys.nodes(), id).publish(this.leftChannel, id));
  }

  async isRegistered(id: string): Promise<boolean> {
    return (await this.redis.exists(redisKeys.node(id))) === 1;
  }

  /** Members of `im:nodes` whose key still exists, sorted by id. */
  async liveNodes(): Promise<NodeInfo[]> {
    const ids = (await this.redis.smembers(redisKeys.nodes())).sort();
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(redisKeys.node(id));
    const replies = (await exec(pipeline)) as Record<string, string>[];
    const nodes: NodeInfo[] = [];
    ids.forEach((id, i) => {
      const { publicUrl, peerUrl, internalUrl, startedAt } = replies[i];
      if (publicUrl && internalUrl)
        nodes.push({ id, publicUrl, peerUrl: peerUrl || publicUrl, internalUrl, startedAt: Number(startedAt) });
    });
    return nodes;
  }

  /**
   * Calls `onDead` for every node that dies while watching, and `onLeft` for every node that deregisters. Resolves once
   * the notifications are subscribed; the returned function stops watching (and waits for reports in progress).
   */
  async watch(onDead: DeathListener, onLeft?: LeaveListener): Promise<() => Promise<void>> {
    this.listeners.add(onDead);
    if (onLeft) this.leaveListeners.add(onLeft);
    try {
      // one subscriber and one sweep serve every listener of this registry
      this.watching ??= this.startWatching();
      await this.watching;
    } catch (error) {
      await this.unwatch(onDead, onLeft);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      await this.unwatch(onDead, onLeft);
    };
  }

  /** Finds members whose key is gone and reports them; also runs by itself every sweep interval while watching. */
  async sweep(): Promise<void> {
    const ids = await this.redis.smembers(redisKeys.nodes());
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    // reading an expired key also deletes it, which fires the notification other processes wait for
    for (const id of ids) pipeline.exists(redisKeys.node(id));
    const exists = (await exec(pipeline)) as number[];
    ids.forEach((id, i) => {
      if (exists[i] === 0) this.reportDead(id);
    });
  }

  private async startWatching(): Promise<void> {
    await this.ensureExpiryNotifications();
    const subscriber = logErrors(
      this.redis.duplicate({ connectionName: `${this.redis.options.connectionName ?? 'switchboard'}:node-watch` }),
    );
    this.subscriber = subscriber;
    const channel = `__keyevent@${this.redis.options.db ?? 0}__:expired`;
    subscriber.on('pmessage', (_pattern, ch, key) => {
      if (ch !== channel || !key.startsWith(NODE_PREFIX)) return;
      const id = key.slice(NODE_PREFIX.length);
      // `im:node:{id}:users` and other suffixed keys are not node registrations (node ids have no ':')
      if (id && !id.includes(':')) this.reportDead(id);
    });
    subscriber.on('message', (ch, id) => {
      if (ch === this.leftChannel) this.reportLeft(id);
    });
    await Promise.all([subscriber.psubscribe(EXPIRED_PATTERN), subscriber.subscribe(this.leftChannel)]);
    this.sweepTimer = setInterval(() => this.runSweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
    // nodes that died while nobody watched
    this.runSweep();
  }

  private async unwatch(onDead: DeathListener, onLeft?: LeaveListener): Promise<void> {
    this.listeners.delete(onDead);
    if (onLeft) this.leaveListeners.delete(onLeft);
    if (this.listeners.size > 0 || !this.watching) return;
    await this.watching.catch(() => undefined);
    if (this.listeners.size > 0) return;
    this.watching = undefined;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
    await Promise.allSettled([...this.pending]);
  }

  /** Turns on expired-key events (flags E and x) once, keeping any flags already set. */
  private ensureExpiryNotifications(): Promise<void> {
    this.notificationsChecked ??= (async () => {
      try {
        const [, flags = ''] = (await this.redis.config('GET', 'notify-keyspace-events')) as string[];
        const missing = (flags.includes('E') ? '' : 'E') + (flags.includes('x') || flags.includes('A') ? '' : 'x');
        if (missing) await this.redis.config('SET', 'notify-keyspace-events', flags + missing);
      } catch (error) {
        // managed Redis often forbids CONFIG: deaths are then noticed by the sweep only, a few seconds later
        this.logger.warn({ err: error }, 'cannot enable expiry notifications; relying on the periodic sweep');
      }
    })();
    return this.notificationsChecked;
  }

  private runSweep(): void {
    if (this.sweeping || !this.subscriber) return;
    this.sweeping = true;
    this.track(
      this.sweep()
        .catch((error) => this.logger.warn({ err: error }, 'node sweep failed'))
        .finally(() => (this.sweeping = false)),
    );
  }

  private reportLeft(id: string): void {
    for (const listener of this.leaveListeners) {
      try {
        listener(id);
      } catch (error) {
        this.logger.warn({ err: error, nodeId: id }, 'leave listener failed; the next refresh catches up');
      }
    }
  }

  private get leftChannel(): string {
    return redisKeys.nodeLeftChannel(this.redis.options.db ?? 0);
  }

  private reportDead(id: string): void {
    // a notification and a sweep may report the same death together
    if (this.handling.has(id) || this.listeners.size === 0) return;
    this.handling.add(id);
    this.track(
      (async () => {
        try {
          const results = await Promise.allSettled([...this.listeners].map(async (listener) => listener(id)));
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          // left in im:nodes, so the next sweep reports it again
          if (failed) this.logger.warn({ err: failed.reason, nodeId: id }, 'dead node not cleaned up; will retry');
          else await this.forgetDeadLua([redisKeys.node(id), redisKeys.nodes()], [id]);
        } catch (error) {
          this.logger.warn({ err: error, nodeId: id }, 'dead node not removed from the registry; will retry');
        } finally {
          this.handling.delete(id);
        }
      })(),
    );
  }

  private track(work: Promise<unknown>): void {
    const p = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async write(info: NodeInfo, ttl: number): Promise<void> {
    const key = redisKeys.node(info.id);
    await exec(
      this.redis
        .multi()
        .del(key)
        .hset(key, {
          publicUrl: info.publicUrl,
          peerUrl: info.peerUrl,
          internalUrl: info.internalUrl,
          startedAt: String(info.startedAt),
        })
        .pexpire(key, ttl)
        .sadd(redisKeys.nodes(), info.id),
    );
  }
}

/** Runs a pipeline or transaction; the first failed command rejects the whole call. */
async function exec(batch: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<unknown[]> {
  const replies = await batch.exec();
  if (!replies) throw new Error('Redis transaction aborted');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

function ttlArg(ttlMs: number): number {
  const ttl = Math.ceil(ttlMs);
  if (!(ttl > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
  return ttl;
}
