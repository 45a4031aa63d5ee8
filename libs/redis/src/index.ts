export * from './redis-connection';
export * from './redis-keys';
export * from './presence.redis';
export * from './inbox.redis';
export * from './send-dedup.redis';
export * from './token-revocation.redis';
export * from './redis-adapters.module';
export * from './invalidation-bus.redis';
