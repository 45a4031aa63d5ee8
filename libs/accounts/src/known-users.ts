import { DomainError, ErrorCode } from '@app/core';
import { UsersRepository } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** Ids of users known to exist; accounts are never deleted, so a hit never goes stale. */
const KNOWN_USERS_CACHE_SIZE = 50_000;

/**
 * Refuses a well-signed token that names no user (a secret that leaked to a test rig, a database restored from an older
 * backup): without it such a caller reaches the use cases and trips foreign keys deep in the storage layer.
 */
@Injectable()
export class KnownUsers {
  private readonly known = new LRUCache<string, true>({ max: KNOWN_USERS_CACHE_SIZE });

  constructor(private readonly users: UsersRepository) {}

  async assertExists(userId: string): Promise<void> {
    if (this.known.has(userId)) return;
    if (!(await this.users.findById(userId)))
      throw new DomainError(ErrorCode.Unauthenticated, 'access token names a user that does not exist');
    this.known.set(userId, true);
  }
}
