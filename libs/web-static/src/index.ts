export * from './web-static.module';
