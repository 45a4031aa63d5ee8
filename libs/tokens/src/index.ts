export * from './authenticated-user';
export * from './token.service';
export * from './tokens.module';
