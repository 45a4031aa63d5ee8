export * from './http-client';
export * from './sequence-tracker';
export * from './switchboard-client';
