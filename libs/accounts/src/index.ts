export * from './auth.guard';
export * from './password-hasher';
export * from './accounts.module';
