/**
 * Tells every process that a cached value changed, so in-process caches (group membership) do not serve a stale
 * answer until their TTL runs out. Delivery is best effort: the caches' short TTL bounds what a lost notice costs.
 */
export interface InvalidationBus {
  publish(topic: string, key: string): Promise<void>;
  /** Calls `onKey` for keys published by any process (this one included); resolves to an unsubscribe. */
  subscribe(topic: string, onKey: (key: string) => void): Promise<() => Promise<void>>;
}

export const INVALIDATION_BUS = Symbol('InvalidationBus');
