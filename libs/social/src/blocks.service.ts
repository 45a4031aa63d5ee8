import { CLOCK, Clock, DomainError, ErrorCode } from '@app/core';
import { SocialGraphRepository, UsersRepository } from '@app/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { SocialGraphCache } from './social-graph.cache';

@Injectable()
export class BlocksService {
  constructor(
    private readonly users: UsersRepository,
    private readonly graph: SocialGraphRepository,
    private readonly cache: SocialGraphCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async block(userId: string, targetId: string): Promise<void> {
    if (userId === targetId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you cannot block yourself');
    if (!(await this.users.findById(targetId)))
      throw new DomainError(ErrorCode.UserNotFound, `user ${targetId} does not exist`);
    await this.graph.block(userId, targetId, this.clock.now());
    await this.cache.invalidate(userId, targetId);
  }

  async unblock(userId: string, targetId: string): Promise<void> {
    await this.graph.unblock(userId, targetId);
    await this.cache.invalidate(userId, targetId);
  }

  blocked(userId: string): Promise<string[]> {
    return this.graph.blockedBy(userId);
  }
}
