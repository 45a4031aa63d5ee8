export * from './elasticsearch-connection';
export * from './history.elasticsearch';
export * from './elasticsearch-history.module';
