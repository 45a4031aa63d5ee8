export * from './dispatch/message-dispatch.service';
export * from './dispatch/push-router';
export * from './dispatch/local-message-dispatcher';
export * from './internal/internal-dispatch.contract';
export * from './internal/internal-dispatch.client';
export * from './dispatch.module';
