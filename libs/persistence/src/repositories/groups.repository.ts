import { DomainError, ErrorCode, TranslateUnavailable } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { GroupEntity, GroupJoinRequestEntity, GroupJoinRequestStatus, GroupMemberEntity, GroupRole } from '../entities';
import { isUniqueViolation } from '../data-source-options';
import { inTransaction } from '../transaction-runner';
import { isPostgresUnavailable } from '../postgres-unavailable';

export interface GroupMembership {
  group: GroupEntity;
  role: GroupRole;
}

/** Thrown inside a transaction to roll it back; turned into a plain `false` answer. */
class Abort extends Error {}

/**
 * Groups, members and join requests.
 *
 * Every write that depends on the group still existing first "touches" the group row (an UPDATE that changes nothing,
 * guarded by `dissolved_at IS NULL`). On PostgreSQL that takes the row lock, so a dissolve and a concurrent add,
 * approve or transfer serialize on the group row, always locked first (no deadlock); on SQLite transactions are
 * serialized anyway.
 */
@Injectable()
@TranslateUnavailable('postgres', isPostgresUnavailable)
export class GroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates the group and its owner's membership in one transaction. */
  async createGroup(group: Omit<GroupEntity, 'dissolvedAt'>): Promise<GroupEntity> {
    const entity = Object.assign(new GroupEntity(), group, { dissolvedAt: null });
    await inTransaction(this.dataSource, async (tx) => {
      await tx.getRepository(GroupEntity).insert(entity);
      await tx.getRepository(GroupMemberEntity).insert({
        groupId: entity.id,
        userId: entity.ownerId,
        role: 'owner',
        joinedAt: entity.createdAt,
      });
    });
    return entity;
  }

  /** The group unless it does not exist or was dissolved. */
  findActiveGroup(id: string): Promise<GroupEntity | null> {
    return this.dataSource
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .where('g.id = :id AND g.dissolved_at IS NULL', { id })
      .getOne();
  }

  findGroup(id: string): Promise<GroupEntity | null> {
    return this.dataSource.getRepository(GroupEntity).findOneBy({ id });
  }

  /** The user's groups with their role, oldest membership first. */
  async groupsOf(userId: string): Promise<GroupMembership[]> {
    const members = await this.dataSource
      .getRepository(GroupMemberEntity)
      .find({ where: { userId }, order: { joinedAt: 'ASC', groupId: 'ASC' } });
    if (!members.length) return [];
    const groups = await this.dataSource
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .where('g.id IN (:...ids) AND g.dissolved_at IS NULL', { ids: members.map((m) => m.groupId) })
      .getMany();
    const byId = new Map(groups.map((g) => [g.id, g]));
    return members.flatMap((m) => {
      const group = byId.get(m.groupId);
      return group ? [{ group, role: m.role }] : [];
    });
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(GroupMemberEntity)
      .find({ select: { groupId: true }, where: { userId }, order: { joinedAt: 'ASC', groupId: 'ASC' } });
    return rows.map((r) => r.groupId);
  }

  /** Members with their roles, in joining order. */
  members(groupId: string): Promise<GroupMemberEntity[]> {
    return this.dataSource
      .getRepository(GroupMemberEntity)
      .find({ where: { groupId }, order: { joinedAt: 'ASC', userId: 'ASC' } });
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(GroupMemberEntity)
      .find({ select: { userId: true }, where: { groupId }, order: { joinedAt: 'ASC', userId: 'ASC' } });
    return rows.map((r) => r.userId);
  }

  countMembers(groupId: string): Promise<number> {
    return this.dataSource.getRepository(GroupMemberEntity).countBy({ groupId });
  }

  isMember(groupId: string, userId: string): Promise<boolean> {
    return this.dataSource.getRepository(GroupMemberEntity).existsBy({ groupId, userId });
  }

  async role(groupId: string, userId: string): Promise<GroupRole | null> {
    const row = await this.dataSource.getRepository(GroupMemberEntity).findOneBy({ groupId, userId });
    return row?.role ?? null;
  }

  /**
   * Adds a member (idempotent: false if already in) and settles any pending join request of theirs as approved.
   * Throws GROUP_NOT_FOUND if the group does not exist or was dissolved.
   */
  async addMember(groupId: string, userId: string, role: Exclude<GroupRole, 'owner'>, now: number): Promise<boolean> {
    return inTransaction(this.dataSource, async (tx) => {
      if (!(await touchActiveGroup(tx, groupId)))
        throw new DomainError(ErrorCode.GroupNotFound, `group ${groupId} not found`);
      const added = await insertMember(tx, groupId, userId, role, now);
      await tx
        .createQueryBuilder()
        .update(GroupJoinRequestEntity)
        .set({ status: 'approved', decidedAt: now })
        .where('group_id = :groupId AND user_id = :userId AND status = :pending', {
          groupId,
          userId,
          pending: 'pending',
        })
        .execute();
      return added;
    });
  }

  /** Removes a member; never the owner (ownership must be transferred first). False if they were not a member. */
  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(GroupMemberEntity)
      .where('group_id = :groupId AND user_id = :userId AND role <> :owner', { groupId, userId, owner: 'owner' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Makes a member an admin or a plain member; never touches the owner. False if not a (non-owner) member. */
  async setRole(groupId: string, userId: string, role: Exclude<GroupRole, 'owner'>): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(GroupMemberEntity)
      .set({ role })
      .where('group_id = :groupId AND user_id = :userId AND role <> :owner', { groupId, userId, owner: 'owner' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** An application (no `invitedBy`) or an invitation (`invitedBy` set); one pending per (group, user). */
  async createJoinRequest(
    request: Omit<GroupJoinRequestEntity, 'status' | 'decidedAt' | 'invitedBy'> & { invitedBy?: string },
  ): Promise<GroupJoinRequestEntity> {
    const entity = Object.assign(new GroupJoinRequestEntity(), request, {
      invitedBy: request.invitedBy ?? null,
      status: 'pending' as const,
      decidedAt: null,
    });
    try {
      await this.dataSource.getRepository(GroupJoinRequestEntity).insert(entity);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(
          ErrorCode.GroupJoinRequestExists,
          request.invitedBy
            ? 'an invitation or application for this user is already pending'
            : 'your request to join this group (or an invitation to it) is already pending',
        );
      throw error;
    }
    return entity;
  }

  findJoinRequest(id: string): Promise<GroupJoinRequestEntity | null> {
    return this.dataSource.getRepository(GroupJoinRequestEntity).findOneBy({ id });
  }

  /** Pending applications to the group (invitations are the invitees' to decide). */
  pendingJoinRequests(groupId: string): Promise<GroupJoinRequestEntity[]> {
    return this.dataSource
      .getRepository(GroupJoinRequestEntity)
      .find({ where: { groupId, status: 'pending', invitedBy: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Pending invitations addressed to the user, oldest first. */
  pendingInvitationsOf(userId: string): Promise<GroupJoinRequestEntity[]> {
    return this.dataSource
      .getRepository(GroupJoinRequestEntity)
      .find({ where: { userId, status: 'pending', invitedBy: Not(IsNull()) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Moves a pending request to `status`; approving adds the applicant as a member in the same transaction. False if
   * the request was no longer pending or the group is gone: two concurrent decisions cannot both win.
   */
  async decideJoinRequest(
    request: GroupJoinRequestEntity,
    status: Exclude<GroupJoinRequestStatus, 'pending'>,
    now: number,
  ): Promise<boolean> {
    return inTransaction(this.dataSource, async (tx) => {
      if (status === 'approved' && !(await touchActiveGroup(tx, request.groupId))) return false;
      const result = await tx
        .createQueryBuilder()
        .update(GroupJoinRequestEntity)
        .set({ status, decidedAt: now })
        .where('id = :id AND status = :pending', { id: request.id, pending: 'pending' })
        .execute();
      if (!result.affected) return false;
      if (status === 'approved') await insertMember(tx, request.groupId, request.userId, 'member', now);
      return true;
    });
  }

  async rename(groupId: string, name: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(GroupEntity)
      .set({ name })
      .where('id = :groupId AND dissolved_at IS NULL', { groupId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Hands ownership from `fromUserId` (who must be the owner) to `toUserId` (who must be a member); the previous owner
   * stays as an admin. False, with nothing changed, if either condition does not hold.
   */
  async transferOwnership(groupId: string, fromUserId: string, toUserId: string): Promise<boolean> {
    if (fromUserId === toUserId) return false;
    try {
      return await inTransaction(this.dataSource, async (tx) => {
        const moved = await tx
          .createQueryBuilder()
          .update(GroupEntity)
          .set({ ownerId: toUserId })
          .where('id = :groupId AND owner_id = :fromUserId AND dissolved_at IS NULL', { groupId, fromUserId })
          .execute();
        if (!moved.affected) throw new Abort();
        const promoted = await tx
          .createQueryBuilder()
          .update(GroupMemberEntity)
          .set({ role: 'owner' })
          .where('group_id = :groupId AND user_id = :toUserId', { groupId, toUserId })
          .execute();
        if (!promoted.affected) throw new Abort();
        await tx
          .createQueryBuilder()
          .update(GroupMemberEntity)
          .set({ role: 'admin' })
          .where('group_id = :groupId AND user_id = :fromUserId', { groupId, fromUserId })
          .execute();
        return true;
      });
    } catch (error) {
      if (error instanceof Abort) return false;
      throw error;
    }
  }

  /**
   * Dissolves the group: marks it, removes every member and rejects every pending join request, in one transaction.
   * Returns the ids of the members it had (to notify them, or invalidate caches); null if it was already gone.
   */
  async dissolve(groupId: string, now: number): Promise<string[] | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(GroupEntity)
        .set({ dissolvedAt: now })
        .where('id = :groupId AND dissolved_at IS NULL', { groupId })
        .execute();
      if (!result.affected) return null;
      const members = await tx.getRepository(GroupMemberEntity).find({ select: { userId: true }, where: { groupId } });
      await tx.getRepository(GroupMemberEntity).delete({ groupId });
      await tx
        .createQueryBuilder()
        .update(GroupJoinRequestEntity)
        .set({ status: 'rejected', decidedAt: now })
        .where('group_id = :groupId AND status = :pending', { groupId, pending: 'pending' })
        .execute();
      return members.map((m) => m.userId);
    });
  }
}

/** Locks the group row (PostgreSQL) and tells whether the group is still active. */
async function touchActiveGroup(tx: EntityManager, groupId: string): Promise<boolean> {
  const result = await tx
    .createQueryBuilder()
    .update(GroupEntity)
    .set({ name: () => 'name' })
    .where('id = :groupId AND dissolved_at IS NULL', { groupId })
    .execute();
  return (result.affected ?? 0) > 0;
}

/** Inserts unless present; callers hold the group row (touchActiveGroup), so the check cannot be raced. */
async function insertMember(
  tx: EntityManager,
  groupId: string,
  userId: string,
  role: GroupRole,
  now: number,
): Promise<boolean> {
  if (await tx.getRepository(GroupMemberEntity).existsBy({ groupId, userId })) return false;
  await tx
    .createQueryBuilder()
    .insert()
    .into(GroupMemberEntity)
    .values({ groupId, userId, role, joinedAt: now })
    .orIgnore()
    .execute();
  return true;
}
