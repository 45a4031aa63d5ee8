export * from './elasticsearch-connection';
export * from './elasticsearch-unavailable';
export * from './history.elasticsearch';
export * from './elasticsearch-history.module';
