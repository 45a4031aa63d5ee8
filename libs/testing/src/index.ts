export * from './postgres-test-database';
export * from './free-port';
export * from './wait-for';
export * from './redis-test-database';
export * from './tcp-fault-proxy';
export * from './timeline';
export * from './lossy-invalidation-bus';
