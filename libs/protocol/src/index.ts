export * from './wire-type';
export * from './messages';
export * from './socket-events';
export * from './api';
export * from './conversation-id';
