export * from './embedded-database';
export * from './inbox.sqlite';
export * from './send-dedup.sqlite';
export * from './token-revocation.sqlite';
export * from './history.sqlite';
export * from './presence.memory';
export * from './message-bus.in-process';
export * from './embedded-adapters.module';
