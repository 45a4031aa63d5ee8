import { CLOCK, Clock, newTimeOrderedId } from '@app/core';
import { UsersRepository } from '@app/persistence';
import type { PublicUser } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { PasswordHasher } from '../password-hasher';
import { toPublicUser } from '../public-user';

@Injectable()
export class RegisterUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: { username: string; password: string; nickname?: string }): Promise<PublicUser> {
    const user = await this.users.create({
      id: newTimeOrderedId(),
      username: input.username,
      nickname: input.nickname ?? input.username,
      passwordHash: await this.hasher.hash(input.password),
      createdAt: this.clock.now(),
    });
    return toPublicUser(user);
  }
}
