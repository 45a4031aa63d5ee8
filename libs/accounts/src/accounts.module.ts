import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from '@app/platform';
import { TokensModule } from '@app/tokens';
import { AuthController, UsersController } from './accounts.controller';
import { AuthGuard } from './auth.guard';
import { HashQueue } from './hash-queue';
import { KnownUsers } from './known-users';
import { PasswordHasher } from './password-hasher';
import { LoginUseCase } from './use-cases/login.use-case';
import { LogoutUseCase } from './use-cases/logout.use-case';
import { RefreshUseCase } from './use-cases/refresh.use-case';
import { RegisterUseCase } from './use-cases/register.use-case';
import { SessionIssuer } from './session-issuer';

/** Accounts over HTTP: register, login, refresh, logout, users; installs the global auth and rate-limit guards (in that order). */
@Module({
  imports: [TokensModule],
  controllers: [AuthController, UsersController],
  providers: [
    PasswordHasher,
    HashQueue,
    KnownUsers,
    RegisterUseCase,
    LoginUseCase,
    LogoutUseCase,
    RefreshUseCase,
    SessionIssuer,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [TokensModule],
})
export class AccountsModule {}
