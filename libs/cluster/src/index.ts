export * from './hash-ring';
export * from './node-reaper';
export * from './cluster-node-directory';
