export * from './internal-secret';
export * from './internal-push.protocol';
export * from './ws-push.transport';
export * from './internal-push.server';
export * from './ws-forwarder';
export * from './node-address-cache';
export * from './socket-rooms.broadcaster';
