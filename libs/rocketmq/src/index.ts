export type { RocketMqConnectionOptions } from './rocketmq-connection';
export * from './message-bus.rocketmq';
export * from './rocketmq-bus.module';
export * from './rocketmq.transport';
