export * from './hash-ring';
export * from './node-registry.redis';
export * from './node-reaper';
export * from './cluster-node-directory';
