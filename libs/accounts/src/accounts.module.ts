import { createSecretKey } from 'node:crypto';
import { SwitchboardConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { RateLimitGuard } from '@app/platform';
import { AuthController, UsersController } from './accounts.controller';
import { AuthGuard } from './auth.guard';
import { HashQueue } from './hash-queue';
import { KnownUsers } from './known-users';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { LoginUseCase } from './use-cases/login.use-case';
import { LogoutUseCase } from './use-cases/logout.use-case';
import { RefreshUseCase } from './use-cases/refresh.use-case';
import { RegisterUseCase } from './use-cases/register.use-case';
import { SessionIssuer } from './session-issuer';

/** Token handling only: what a push node needs to verify clients. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [SwitchboardConfig],
      useFactory: (config: SwitchboardConfig) => {
        if (!config.JWT_SECRET) throw new Error('JWT_SECRET is required');
        // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as a public
        // key on every verify, which was ~14 % of the one-process server's CPU on the send path.
        const secret = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')) as unknown as string;
        return { secret, signOptions: { algorithm: 'HS256', expiresIn: config.JWT_TTL_SECONDS } };
      },
    }),
  ],
  providers: [TokenService],
  exports: [TokenService],
})
export class TokensModule {}

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
