export * from './storage-consumers';
export * from './storage.module';
