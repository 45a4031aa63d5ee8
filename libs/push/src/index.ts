export * from './node-identity';
export * from './socket-registry';
export * from './push-delivery.service';
export * from './local-push.transport';
export * from './push.gateway';
export * from './push.module';
export * from './local-push.broadcaster';
