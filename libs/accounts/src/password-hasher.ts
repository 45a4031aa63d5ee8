import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { HashQueue } from './hash-queue';

/**
 * argon2id with the library's defaults (64 MiB, t=3), through the bounded hash queue; a side effect of its own so
 * tests can swap a cheap one in.
 */
@Injectable()
export class PasswordHasher {
  constructor(private readonly queue: HashQueue) {}

  hash(password: string): Promise<string> {
    return this.queue.run(() => argon2.hash(password, { type: argon2.argon2id }));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.queue.run(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    });
  }
}
