/**
 * Tells every process that a cached value changed, so in-process caches (social graph, group membership) do not serve
 * a stale answer. A bus that can lose notices (its connection dropped) says so through `onSync`, so that a cache drops
 * what it holds rather than serve it until a TTL runs out; the TTLs only bound a notice whose publish failed.
 */
export interface InvalidationBus {
  publish(topic: string, key: string): Promise<void>;
  /**
   * Calls `onKey` for keys published by any process (this one included); resolves to an unsubscribe, once notices
   * reach `onKey`. `onSync(false)`: from now on notices may be lost (the bus's connection dropped), so whatever was
   * derived from the subscribed data must be dropped, and nothing read meanwhile kept; `onSync(true)`: subscribed
   * again, every notice arrives from here on. A bus that cannot lose notices never calls it.
   */
  subscribe(
    topic: string,
    onKey: (key: string) => void,
    onSync?: (inSync: boolean) => void,
  ): Promise<() => Promise<void>>;
}

export const INVALIDATION_BUS = Symbol('InvalidationBus');
