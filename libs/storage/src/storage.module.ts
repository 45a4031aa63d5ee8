import { Module } from '@nestjs/common';
import { StorageConsumers, StorageEventsController } from './storage-consumers';

/** storage-worker: the history and offline consumer groups as @EventPattern handlers (RocketMQ transport). */
@Module({ controllers: [StorageEventsController], providers: [StorageConsumers] })
export class StorageEventsModule {}
