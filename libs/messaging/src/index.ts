export * from './dispatch/message-dispatch.service';
export * from './dispatch/push-router';
export * from './send/send-message.use-case';
export * from './inbox/inbox.service';
export * from './history/history-query.service';
export * from './storage/storage-consumers';
export * from './messaging.module';
export * from './dispatch/local-message-dispatcher';
