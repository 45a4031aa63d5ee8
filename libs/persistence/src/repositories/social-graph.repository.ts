import { DomainError, ErrorCode, TranslateUnavailable } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { BlockEntity, FriendRequestEntity, FriendRequestStatus, FriendshipEntity } from '../entities';
import { isUniqueViolation } from '../data-source-options';
import { inTransaction } from '../transaction-runner';
import { isPostgresUnavailable } from '../postgres-unavailable';

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);
export const pairKey = (a: string, b: string) => ordered(a, b).join(':');

/** Friend requests, friendships and blocks. */
@Injectable()
@TranslateUnavailable('postgres', isPostgresUnavailable)
export class SocialGraphRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async createFriendRequest(
    request: Omit<FriendRequestEntity, 'pairKey' | 'status' | 'decidedAt'>,
  ): Promise<FriendRequestEntity> {
    const entity = Object.assign(new FriendRequestEntity(), request, {
      pairKey: pairKey(request.fromUserId, request.toUserId),
      status: 'pending' as const,
      decidedAt: null,
    });
    try {
      await this.dataSource.getRepository(FriendRequestEntity).insert(entity);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(ErrorCode.FriendRequestExists, 'a friend request between you is already pending');
      throw error;
    }
    return entity;
  }

  findFriendRequest(id: string): Promise<FriendRequestEntity | null> {
    return this.dataSource.getRepository(FriendRequestEntity).findOneBy({ id });
  }

  /** Pending requests the user sent or received, newest first. */
  pendingFriendRequests(userId: string): Promise<FriendRequestEntity[]> {
    return this.dataSource
      .getRepository(FriendRequestEntity)
      .createQueryBuilder('r')
      .where('r.status = :status', { status: 'pending' })
      .andWhere(new Brackets((w) => w.where('r.from_user_id = :userId').orWhere('r.to_user_id = :userId')))
      .setParameter('userId', userId)
      .orderBy('r.created_at', 'DESC')
      .getMany();
  }

  /**
   * Moves a pending request to `status` (and makes the pair friends on accept) in one transaction.
   * Returns false if the request was no longer pending: two concurrent decisions cannot both win.
   */
  async decideFriendRequest(
    request: FriendRequestEntity,
    status: Exclude<FriendRequestStatus, 'pending'>,
    now: number,
  ): Promise<boolean> {
    return inTransaction(this.dataSource, async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(FriendRequestEntity)
        .set({ status, decidedAt: now })
        .where('id = :id AND status = :pending', { id: request.id, pending: 'pending' })
        .execute();
      if (!result.affected) return false;
      if (status === 'accepted') {
        const [low, high] = ordered(request.fromUserId, request.toUserId);
        await tx
          .createQueryBuilder()
          .insert()
          .into(FriendshipEntity)
          .values({ userLowId: low, userHighId: high, createdAt: now })
          .orIgnore()
          .execute();
      }
      return true;
    });
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    const [low, high] = ordered(a, b);
    return this.dataSource.getRepository(FriendshipEntity).existsBy({ userLowId: low, userHighId: high });
  }

  async removeFriendship(a: string, b: string): Promise<boolean> {
    const [low, high] = ordered(a, b);
    const result = await this.dataSource.getRepository(FriendshipEntity).delete({ userLowId: low, userHighId: high });
    return (result.affected ?? 0) > 0;
  }

  async friendIds(userId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(FriendshipEntity)
      .createQueryBuilder('f')
      .where('f.user_low_id = :userId OR f.user_high_id = :userId', { userId })
      .orderBy('f.created_at', 'ASC')
      .getMany();
    return rows.map((f) => (f.userLowId === userId ? f.userHighId : f.userLowId));
  }

  /** Blocks, and rejects any request pending between the two in the same transaction (it cannot be accepted later). */
  async block(blockerId: string, blockedId: string, now: number): Promise<void> {
    await inTransaction(this.dataSource, async (tx) => {
      await tx
        .createQueryBuilder()
        .insert()
        .into(BlockEntity)
        .values({ blockerId, blockedId, createdAt: now })
        .orIgnore()
        .execute();
      await tx
        .createQueryBuilder()
        .update(FriendRequestEntity)
        .set({ status: 'rejected', decidedAt: now })
        .where('pair_key = :pair AND status = :pending', { pair: pairKey(blockerId, blockedId), pending: 'pending' })
        .execute();
    });
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(BlockEntity).delete({ blockerId, blockedId });
    return (result.affected ?? 0) > 0;
  }

  async isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    const repo = this.dataSource.getRepository(BlockEntity);
    return repo.exists({
      where: [
        { blockerId: a, blockedId: b },
        { blockerId: b, blockedId: a },
      ],
    });
  }

  async blockedBy(blockerId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(BlockEntity)
      .find({ where: { blockerId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => r.blockedId);
  }

  /** Users who block `blockedId`. */
  async blockersOf(blockedId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(BlockEntity)
      .find({ where: { blockedId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => r.blockerId);
  }
}
