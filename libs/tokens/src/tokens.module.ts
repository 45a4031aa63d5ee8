import { createSecretKey } from 'node:crypto';
import { SwitchboardConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TokenService } from './token.service';

/** Token handling only: what a push node needs to verify clients, without the accounts' storage. */
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
