import { CLOCK, Clock, DomainError, ErrorCode, newTimeOrderedId } from '@app/core';
import { GroupEntity, GroupJoinRequestEntity, GroupRole, GroupsRepository, UsersRepository } from '@app/persistence';
import {
  groupConversationId,
  GroupInvitationView,
  GroupJoinRequestView,
  GroupMemberView,
  GroupView,
  WireType,
} from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicy, EVERYONE, MANAGERS } from './access-policy';
import { GroupMembershipCache } from './group-membership.cache';
import { Notifier } from './notifier';

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
    private readonly policy: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(callerId: string, name: string): Promise<GroupView> {
    const group = await this.groups.createGroup({
      id: newTimeOrderedId(),
      name: name.trim(),
      ownerId: callerId,
      createdAt: this.clock.now(),
    });
    await this.membership.invalidate(group.id);
    return toGroupView(group, 'owner', 1);
  }

  async mine(callerId: string): Promise<GroupView[]> {
    return (await this.groups.groupsOf(callerId)).map(({ group, role }) => toGroupView(group, role));
  }

  async info(callerId: string, groupId: string): Promise<GroupView> {
    const { group, role } = await this.policy.groupRole(callerId, groupId, EVERYONE);
    return toGroupView(group, role, await this.groups.countMembers(groupId));
  }

  async rename(callerId: string, groupId: string, name: string): Promise<GroupView> {
    const { group, role } = await this.policy.groupRole(callerId, groupId, MANAGERS);
    if (!(await this.groups.rename(groupId, name.trim()))) throw notFound(groupId);
    return toGroupView({ ...group, name: name.trim() }, role, await this.groups.countMembers(groupId));
  }

  async members(callerId: string, groupId: string): Promise<GroupMemberView[]> {
    await this.policy.groupRole(callerId, groupId, EVERYONE);
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

  /** Applies to join; the owner and admins get a 204 (refused when a block stands between the caller and one of them). */
  async requestToJoin(callerId: string, groupId: string, message?: string): Promise<{ id: string }> {
    const { group, managerIds } = await this.policy.joinRequest(callerId, groupId);
    const applicant = await this.users.findById(callerId);
    const request = await this.groups.createJoinRequest({
      id: newTimeOrderedId(),
      groupId,
      userId: callerId,
      message: message ?? null,
      createdAt: this.clock.now(),
    });
    await this.notifier.notifyMany(
      WireType.GroupJoinRequestReceived,
      callerId,
      managerIds,
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
    await this.policy.groupRole(callerId, groupId, MANAGERS);
    return (await this.groups.pendingJoinRequests(groupId)).map(toRequestView);
  }

  /** Approves a pending request: the applicant becomes a member and the whole group (them included) gets a 206. */
  async approve(callerId: string, groupId: string, requestId: string): Promise<GroupJoinRequestView> {
    const request = await this.decide(callerId, groupId, requestId, 'approved');
    await this.membership.invalidate(groupId);
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

  /**
   * Adds a user directly (owner or admin): only a friend of the caller with no block either way; the group, the new
   * member included, gets a 206. Anyone else must be invited (`inviteUser`) and accept.
   */
  async invite(callerId: string, groupId: string, userId: string): Promise<void> {
    if ((await this.policy.addMember(callerId, groupId, userId)) !== 'add')
      throw new DomainError(
        ErrorCode.NotFriends,
        'only your friends can be added directly; invite others (POST /groups/:id/invitations)',
      );
    if (!(await this.groups.addMember(groupId, userId, 'member', this.clock.now())))
      throw new DomainError(ErrorCode.AlreadyGroupMember, 'the user is already a member of this group');
    await this.membership.invalidate(groupId);
    await this.announceJoin(callerId, groupId, userId, { invitedBy: callerId });
  }

  /** Invites a user (owner or admin; no block either way): they get a 215 and accept or decline. */
  async inviteUser(callerId: string, groupId: string, userId: string): Promise<{ id: string }> {
    await this.policy.addMember(callerId, groupId, userId);
    if (await this.groups.isMember(groupId, userId))
      throw new DomainError(ErrorCode.AlreadyGroupMember, 'the user is already a member of this group');
    const [group, inviter] = await Promise.all([this.groups.findActiveGroup(groupId), this.users.findById(callerId)]);
    const invitation = await this.groups.createJoinRequest({
      id: newTimeOrderedId(),
      groupId,
      userId,
      invitedBy: callerId,
      message: null,
      createdAt: this.clock.now(),
    });
    await this.notifier.notify(WireType.GroupInvitation, callerId, userId, {
      invitationId: invitation.id,
      groupId,
      ...(group && { groupName: group.name }),
      ...(inviter && { from: { id: inviter.id, username: inviter.username, nickname: inviter.nickname } }),
    });
    return { id: invitation.id };
  }

  /** Pending invitations addressed to the caller. */
  async invitations(callerId: string): Promise<GroupInvitationView[]> {
    return (await this.groups.pendingInvitationsOf(callerId)).map(toInvitationView);
  }

  /** The invitee accepts: they join and the group gets a 206 (not while a block stands with the inviter). */
  async acceptInvitation(callerId: string, invitationId: string): Promise<GroupInvitationView> {
    const invitation = await this.invitationOf(callerId, invitationId);
    if (!(await this.policy.consenting(callerId, [invitation.invitedBy!])).length)
      throw new DomainError(ErrorCode.Blocked, 'you cannot accept an invitation from this user');
    await this.decideInvitation(invitation, 'approved');
    await this.membership.invalidate(invitation.groupId);
    await this.announceJoin(invitation.invitedBy!, invitation.groupId, callerId, {
      invitedBy: invitation.invitedBy,
      invitationId,
    });
    return toInvitationView({ ...invitation, status: 'approved' });
  }

  /** The invitee declines: the inviter gets a 207 (kind 'invitation'), unless a block stands between them. */
  async declineInvitation(callerId: string, invitationId: string): Promise<GroupInvitationView> {
    const invitation = await this.invitationOf(callerId, invitationId);
    await this.decideInvitation(invitation, 'rejected');
    const [inviter] = await this.policy.consenting(callerId, [invitation.invitedBy!]);
    if (inviter)
      await this.notifier.notify(WireType.RequestRejected, callerId, inviter, {
        invitationId,
        kind: 'invitation',
        groupId: invitation.groupId,
        userId: callerId,
      });
    return toInvitationView({ ...invitation, status: 'rejected' });
  }

  /** The invitation addressed to the caller; to anyone else it does not exist. */
  private async invitationOf(callerId: string, invitationId: string): Promise<GroupJoinRequestEntity> {
    const invitation = await this.groups.findJoinRequest(invitationId);
    if (!invitation || !invitation.invitedBy || invitation.userId !== callerId)
      throw new DomainError(ErrorCode.GroupInvitationNotFound, `invitation ${invitationId} not found`);
    return invitation;
  }

  private async decideInvitation(invitation: GroupJoinRequestEntity, status: 'approved' | 'rejected'): Promise<void> {
    if (
      invitation.status !== 'pending' ||
      !(await this.groups.decideJoinRequest(invitation, status, this.clock.now()))
    ) {
      throw new DomainError(
        ErrorCode.GroupJoinRequestNotPending,
        `invitation ${invitation.id} was already ${invitation.status === 'pending' ? 'decided' : invitation.status}`,
      );
    }
  }

  /** Leaves (own id) or removes a member: the owner may remove anyone, an admin only plain members. */
  async removeMember(callerId: string, groupId: string, userId: string): Promise<void> {
    if (userId === callerId) {
      const { role } = await this.policy.groupRole(callerId, groupId, EVERYONE);
      if (role === 'owner')
        throw new DomainError(
          ErrorCode.GroupOwnerCannotLeave,
          'the owner cannot leave: transfer the ownership or dissolve the group',
        );
    } else {
      const { role } = await this.policy.groupRole(callerId, groupId, MANAGERS);
      const targetRole = await this.groups.role(groupId, userId);
      if (!targetRole) throw memberNotFound(userId);
      if (targetRole === 'owner' || (role === 'admin' && targetRole === 'admin'))
        throw new DomainError(ErrorCode.GroupPermissionDenied, `an ${role} cannot remove an ${targetRole}`);
    }
    const removed = await this.groups.removeMember(groupId, userId);
    await this.membership.invalidate(groupId);
    if (!removed) throw memberNotFound(userId);
  }

  /** Owner only: makes a member an admin, or an admin a plain member. */
  async setRole(callerId: string, groupId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    await this.policy.groupRole(callerId, groupId, ['owner']);
    if (userId === callerId) throw new DomainError(ErrorCode.CannotTargetSelf, 'transfer the ownership instead');
    if (!(await this.groups.setRole(groupId, userId, role))) throw memberNotFound(userId);
  }

  /** Owner only: hands the group to another member; the old owner stays as an admin. */
  async transfer(callerId: string, groupId: string, userId: string): Promise<GroupView> {
    const { group } = await this.policy.groupRole(callerId, groupId, ['owner']);
    if (userId === callerId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you already own this group');
    if (!(await this.groups.transferOwnership(groupId, callerId, userId))) {
      if (!(await this.groups.isMember(groupId, userId))) throw memberNotFound(userId);
      throw new DomainError(ErrorCode.GroupPermissionDenied, 'you no longer own this group');
    }
    return toGroupView({ ...group, ownerId: userId }, 'admin', await this.groups.countMembers(groupId));
  }

  /** Owner only: the group ends; its members, pending requests and membership cache entry go with it. */
  async dissolve(callerId: string, groupId: string): Promise<void> {
    await this.policy.groupRole(callerId, groupId, ['owner']);
    const removed = await this.groups.dissolve(groupId, this.clock.now());
    await this.membership.invalidate(groupId);
    if (!removed) throw notFound(groupId);
  }

  private async decide(
    callerId: string,
    groupId: string,
    requestId: string,
    status: 'approved' | 'rejected',
  ): Promise<GroupJoinRequestEntity> {
    await this.policy.groupRole(callerId, groupId, MANAGERS);
    const request = await this.groups.findJoinRequest(requestId);
    // an invitation shares the table but is the invitee's to decide, never a manager's in their place
    if (!request || request.groupId !== groupId || request.invitedBy)
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
    // members in a block with the newcomer do not hear of them
    await this.notifier.notifyMany(
      WireType.GroupJoinApproved,
      callerId,
      await this.policy.consenting(userId, memberIds),
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

function toInvitationView(r: GroupJoinRequestEntity): GroupInvitationView {
  return {
    id: r.id,
    groupId: r.groupId,
    userId: r.userId,
    invitedBy: r.invitedBy!,
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
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
