export * from './authenticated-user';
export * from './auth.guard';
export * from './token.service';
export * from './password-hasher';
export * from './accounts.module';
