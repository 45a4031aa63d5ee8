export * from './entities';
export * from './migrations';
export * from './data-source-options';
export * from './repositories/users.repository';
export * from './repositories/social-graph.repository';
export * from './persistence.module';
export * from './transaction-runner';
export * from './repositories/groups.repository';
