export * from './http-client';
export * from './sequence-tracker';
export * from './last-seq-store';
export * from './switchboard-client';
export * from './random-id';
// the wire types the API speaks, bundled so the package needs no other Switchboard package
export * from '@app/protocol';
