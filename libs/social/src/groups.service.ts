import { CLOCK, Clock, DomainError, ErrorCode, newTimeOrderedId } from '@app/core';
import { GroupEntity, GroupJoinRequestEntity, GroupRole, GroupsRepository, UsersRepository } from '@app/persistence';
import { groupConversationId, GroupJoinRequestView, GroupMemberView, GroupView, WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { GroupMembershipCache } from './group-membership.cache';
import { Notifier } from './notifier';

const MANAGERS: GroupRole[] = ['owner', 'admin'];
const EVERYONE: GroupRole[] = ['owner', 'admin', 'member'];

/**
 * Groups: lifecycle, membership and join requests. To a non-member a group does not exist (404, nothing leaked);
 * a member who lacks the role gets 403. Every membership change invalidates this process's membership cache.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly membership: GroupMembershipCache,
    private readonly notifier: Notifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(callerId: string, name: string): Promise<GroupView> {
    const group = await this.groups.createGroup({
      id: newTimeOrderedId(),
      name: name.trim(),
      ownerId: callerId,
      createdAt: this.clock.now(),
    });
    this.membership.invalidate(group.id);
    return toGroupView(group, 'owner', 1);
  }

  async mine(callerId: string): Promise<GroupView[]> {
    return (await this.groups.groupsOf(callerId)).map(({ group, role }) => toGroupView(group, role));
  }

  async info(callerId: string, groupId: string): Promise<GroupView> {
    const { group, role } = await this.authorize(callerId, groupId, EVERYONE);
    return toGroupView(group, role, await this.groups.countMembers(groupId));
  }

  async rename(callerId: string, groupId: string, name: string): Promise<GroupView> {
    const { group, role } = await this.authorize(callerId, groupId, MANAGERS);
    if (!(await this.groups.rename(groupId, name.trim()))) throw notFound(groupId);
    return toGroupView({ ...group, name: name.trim() }, role, await this.groups.countMembers(groupId));
  }

  async members(callerId: string, groupId: string): Promise<GroupMemberView[]> {
    await this.authorize(callerId, groupId, EVERYONE);
    const members = await this.groups.members(groupId);
    const users = new Map((await this.users.findByIds(members.map((m) => m.userId))).map((u) => [u.id, u]));
    return members.flatMap((m) => {
      const u = users.get(m.userId);
      return u
        ? [
            {
              id: u.id,
              username: u.username,
              nickname: u.nickname,
              role: m.role,
              joinedAt: new Date(m.joinedAt).toISOString(),
            },
          ]
        : [];
    });
  }

  /** Applies to join; the owner and admins get a 204. */
  async requestToJoin(callerId: string, groupId: string, message?: string): Promise<{ id: string }> {
    const group = await this.groups.findActiveGroup(groupId);
    if (!group) throw notFound(groupId);
    if (await this.groups.isMember(groupId, callerId))
      throw new DomainError(ErrorCode.AlreadyGroupMember, 'you are already a member of this group');
    const applicant = await this.users.findById(callerId);
    const request = await this.groups.createJoinRequest({
      id: newTimeOrderedId(),
      groupId,
      userId: callerId,
      message: message ?? null,
      createdAt: this.clock.now(),
    });
    const managers = (await this.groups.members(groupId)).filter((m) => MANAGERS.includes(m.role));
    await this.notifier.notifyMany(
      WireType.GroupJoinRequestReceived,
      callerId,
      managers.map((m) => m.userId),
      {
        requestId: request.id,
        groupId,
        groupName: group.name,
        ...(applicant && {
          from: { id: applicant.id, username: applicant.username, nickname: applicant.nickname },
        }),
      },
      { body: message, groupId },
    );
    return { id: request.id };
  }

  async joinRequests(callerId: string, groupId: string): Promise<GroupJoinRequestView[]> {
    await this.authorize(callerId, groupId, MANAGERS);
    return (await this.groups.pendingJoinRequests(groupId)).map(toRequestView);
  }

  /** Approves a pending request: the applicant becomes a member and the whole group (them included) gets a 206. */
  async approve(callerId: string, groupId: string, requestId: string): Promise<GroupJoinRequestView> {
    const request = await this.decide(callerId, groupId, requestId, 'approved');
    this.membership.invalidate(groupId);
    await this.announceJoin(callerId, groupId, request.userId, { requestId });
    return toRequestView({ ...request, status: 'approved' });
  }

  /** Rejects a pending request; the applicant gets a 207. */
  async reject(callerId: string, groupId: string, requestId: string): Promise<GroupJoinRequestView> {
    const request = await this.decide(callerId, groupId, requestId, 'rejected');
    await this.notifier.notify(WireType.RequestRejected, callerId, request.userId, {
      requestId,
      kind: 'group',
      groupId,
    });
    return toRequestView({ ...request, status: 'rejected' });
  }

  /** Adds a user directly (owner or admin); the group, the new member included, gets a 206. */
  async invite(callerId: string, groupId: string, userId: string): Promise<void> {
    await this.authorize(callerId, groupId, MANAGERS);
    if (!(await this.users.findById(userId)))
      throw new DomainError(ErrorCode.UserNotFound, `user ${userId} does not exist`);
    if (!(await this.groups.addMember(groupId, userId, 'member', this.clock.now())))
      throw new DomainError(ErrorCode.AlreadyGroupMember, 'the user is already a member of this group');
    this.membership.invalidate(groupId);
    await this.announceJoin(callerId, groupId, userId, { invitedBy: callerId });
  }

  /** Leaves (own id) or removes a member: the owner may remove anyone, an admin only plain members. */
  async removeMember(callerId: string, groupId: string, userId: string): Promise<void> {
    if (userId === callerId) {
      const { role } = await this.authorize(callerId, groupId, EVERYONE);
      if (role === 'owner')
        throw new DomainError(
          ErrorCode.GroupOwnerCannotLeave,
          'the owner cannot leave: transfer the ownership or dissolve the group',
        );
    } else {
      const { role } = await this.authorize(callerId, groupId, MANAGERS);
      const targetRole = await this.groups.role(groupId, userId);
      if (!targetRole) throw memberNotFound(userId);
      if (targetRole === 'owner' || (role === 'admin' && targetRole === 'admin'))
        throw new DomainError(ErrorCode.GroupPermissionDenied, `an ${role} cannot remove an ${targetRole}`);
    }
    const removed = await this.groups.removeMember(groupId, userId);
    this.membership.invalidate(groupId);
    if (!removed) throw memberNotFound(userId);
  }

  /** Owner only: makes a member an admin, or an admin a plain member. */
  async setRole(callerId: string, groupId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    await this.authorize(callerId, groupId, ['owner']);
    if (userId === callerId) throw new DomainError(ErrorCode.CannotTargetSelf, 'transfer the ownership instead');
    if (!(await this.groups.setRole(groupId, userId, role))) throw memberNotFound(userId);
  }

  /** Owner only: hands the group to another member; the old owner stays as an admin. */
  async transfer(callerId: string, groupId: string, userId: string): Promise<GroupView> {
    const { group } = await this.authorize(callerId, groupId, ['owner']);
    if (userId === callerId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you already own this group');
    if (!(await this.groups.transferOwnership(groupId, callerId, userId))) {
      if (!(await this.groups.isMember(groupId, userId))) throw memberNotFound(userId);
      throw new DomainError(ErrorCode.GroupPermissionDenied, 'you no longer own this group');
    }
    return toGroupView({ ...group, ownerId: userId }, 'admin', await this.groups.countMembers(groupId));
  }

  /** Owner only: the group ends; its members, pending requests and membership cache entry go with it. */
  async dissolve(callerId: string, groupId: string): Promise<void> {
    await this.authorize(callerId, groupId, ['owner']);
    const removed = await this.groups.dissolve(groupId, this.clock.now());
    this.membership.invalidate(groupId);
    if (!removed) throw notFound(groupId);
  }

  /** The active group and the caller's role in it: 404 to non-members, 403 to members without one of `allowed`. */
  private async authorize(
    callerId: string,
    groupId: string,
    allowed: GroupRole[],
  ): Promise<{ group: GroupEntity; role: GroupRole }> {
    const [group, role] = await Promise.all([
      this.groups.findActiveGroup(groupId),
      this.groups.role(groupId, callerId),
    ]);
    if (!group || !role) throw notFound(groupId);
    if (!allowed.includes(role))
      throw new DomainError(
        ErrorCode.GroupPermissionDenied,
        `this needs the role ${allowed.join(' or ')} in the group; you are a ${role}`,
      );
    return { group, role };
  }

  private async decide(
    callerId: string,
    groupId: string,
    requestId: string,
    status: 'approved' | 'rejected',
  ): Promise<GroupJoinRequestEntity> {
    await this.authorize(callerId, groupId, MANAGERS);
    const request = await this.groups.findJoinRequest(requestId);
    if (!request || request.groupId !== groupId)
      throw new DomainError(ErrorCode.GroupJoinRequestNotFound, `join request ${requestId} not found`);
    if (request.status !== 'pending' || !(await this.groups.decideJoinRequest(request, status, this.clock.now()))) {
      throw new DomainError(
        ErrorCode.GroupJoinRequestNotPending,
        `join request ${requestId} was already ${request.status === 'pending' ? 'decided' : request.status}`,
      );
    }
    return request;
  }

  /** 206 to every member (the new one included) after someone joined. */
  private async announceJoin(
    callerId: string,
    groupId: string,
    userId: string,
    extra: Record<string, unknown>,
  ): Promise<void> {
    const [user, memberIds] = await Promise.all([this.users.findById(userId), this.groups.memberIds(groupId)]);
    await this.notifier.notifyMany(
      WireType.GroupJoinApproved,
      callerId,
      memberIds,
      {
        groupId,
        userId,
        kind: 'group',
        ...(user && { user: { id: user.id, username: user.username, nickname: user.nickname } }),
        ...extra,
      },
      { groupId },
    );
  }
}

const notFound = (groupId: string) => new DomainError(ErrorCode.GroupNotFound, `group ${groupId} not found`);
const memberNotFound = (userId: string) =>
  new DomainError(ErrorCode.GroupMemberNotFound, `user ${userId} is not a member of this group`);

function toGroupView(group: GroupEntity, role: GroupRole, memberCount?: number): GroupView {
  return {
    id: group.id,
    name: group.name,
    ownerId: group.ownerId,
    createdAt: new Date(group.createdAt).toISOString(),
    role,
    ...(memberCount !== undefined && { memberCount }),
    conversationId: groupConversationId(group.id),
  };
}

function toRequestView(r: GroupJoinRequestEntity): GroupJoinRequestView {
  return {
    id: r.id,
    groupId: r.groupId,
    userId: r.userId,
    ...(r.message !== null && { message: r.message }),
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
