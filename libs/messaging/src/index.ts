export * from './send/send-message.use-case';
export * from './history/history-query.service';
export * from './messaging.module';
