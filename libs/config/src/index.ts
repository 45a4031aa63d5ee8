export * from './load-config';
export * from './switchboard.config';
export * from './config.module';
export * from './cluster.config';
