import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, NODE_DIRECTORY, NodeDirectory } from '@app/core';
import { UsersRepository } from '@app/persistence';
import type { LoginResponse } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { PasswordHasher } from '../password-hasher';
import { toPublicUser } from '../public-user';
import { TokenService } from '../token.service';

@Injectable()
export class LoginUseCase {
  /** Verified against for unknown usernames, so that they cost as much as a wrong password. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    @Inject(NODE_DIRECTORY) private readonly nodes: NodeDirectory,
  ) {}

  async execute(input: { username: string; password: string }): Promise<LoginResponse> {
    const user = await this.users.findByUsername(input.username);
    this.dummyHash ??= this.hasher.hash(randomUUID());
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !ok) throw new DomainError(ErrorCode.InvalidCredentials, 'wrong username or password');
    const node = await this.nodes.nodeFor(user.id);
    const { token, expiresIn } = await this.tokens.issue(user, node.id);
    return { accessToken: token, expiresIn, user: toPublicUser(user), node };
  }
}
