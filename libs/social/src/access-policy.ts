import { DomainError, ErrorCode, HISTORY_STORE, HistoryRecord, HistoryStore } from '@app/core';
import { GroupEntity, GroupRole, GroupsRepository, UsersRepository } from '@app/persistence';
import { parseConversationId } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { GroupMembershipCache } from './group-membership.cache';
import { Relations, SocialGraphCache } from './social-graph.cache';

export const MANAGERS: GroupRole[] = ['owner', 'admin'];
export const EVERYONE: GroupRole[] = ['owner', 'admin', 'member'];

/** Who takes part in a conversation, as far as the caller may know. */
export interface ConversationParticipants {
  conversationId: string;
  /** 1:1: both users; group: its members now. */
  userIds: readonly string[];
  groupId?: string;
}

/** Whom an action reaches: the participants who consent to hear from the actor (no block either way). */
export interface Audience extends ConversationParticipants {
  /** The other participants who may receive the actor's words or signals (never the actor). */
  recipientIds: string[];
}

const blockedEitherWay = (r: Relations, other: string) => r.blocks.has(other) || r.blockedBy.has(other);
const conversationNotFound = (id: string) =>
  new DomainError(ErrorCode.ConversationNotFound, `conversation ${id} not found`);
const groupNotFound = (groupId: string) => new DomainError(ErrorCode.GroupNotFound, `group ${groupId} not found`);
const userNotFound = (userId: string) => new DomainError(ErrorCode.UserNotFound, `user ${userId} does not exist`);

/**
 * The one answer to "may this user do this": every use case asks here, nothing else decides. The consent rule: a
 * block (either way) stops words and signals between two users on every channel — 1:1 messages, group fan-out,
 * typing, receipts, presence, requests, invitations, join announcements. 1:1 needs a friendship; group actions need
 * membership (and a role where it says so).
 *
 * Hot-path reads (friendship, blocks, membership) come from caches invalidated over the invalidation bus, so a send
 * makes no database query; the cold paths (requests, group management) read the repositories.
 */
@Injectable()
export class AccessPolicy {
  constructor(
    private readonly graph: SocialGraphCache,
    private readonly membership: GroupMembershipCache,
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    @Inject(HISTORY_STORE) private readonly history: HistoryStore,
  ) {}

  // ——— messages ———

  /** 1:1: friends, no block either way. */
  async sendDirect(senderId: string, toUserId: string): Promise<void> {
    if (senderId === toUserId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you cannot message yourself');
    const relations = await this.graph.relations(senderId);
    if (!relations.friends.has(toUserId)) {
      if (!(await this.users.findById(toUserId))) throw userNotFound(toUserId);
      throw new DomainError(ErrorCode.NotFriends, 'you can only message your friends');
    }
    if (blockedEitherWay(relations, toUserId)) throw new DomainError(ErrorCode.Blocked, 'you cannot message this user');
  }

  /**
   * A group message: the sender must be a member (a group that does not exist, was dissolved or does not have the
   * sender is the same 403, so nothing about other groups leaks). Members in a block with the sender are left out.
   */
  async sendToGroup(
    senderId: string,
    groupId: string,
  ): Promise<{ memberIds: readonly string[]; recipientIds: string[] }> {
    const memberIds = await this.membership.memberIds(groupId);
    if (!memberIds.includes(senderId))
      throw new DomainError(ErrorCode.NotAGroupMember, 'you can only message groups you are a member of');
    return { memberIds, recipientIds: await this.consenting(senderId, memberIds) };
  }

  /** Recall: the sender only; the 208 reaches the participants who may hear from them (and the sender's devices). */
  async recall(userId: string, record: HistoryRecord): Promise<string[]> {
    if (record.senderId !== userId) throw new DomainError(ErrorCode.Forbidden, 'only the sender may recall a message');
    const participants = record.groupId ? await this.membership.memberIds(record.groupId) : record.participants;
    return [...new Set([...(await this.consenting(userId, participants)), userId])];
  }

  // ——— conversations ———

  /**
   * Reading history (page, search, read counts): a 1:1 the caller is one end of, or a group they are a member of now.
   * Anything else does not exist for them (404).
   */
  async read(userId: string, conversationId: string): Promise<ConversationParticipants> {
    const parsed = parseConversationId(conversationId);
    if (parsed?.kind === 'direct' && parsed.userIds.includes(userId))
      return { conversationId, userIds: parsed.userIds };
    if (parsed?.kind === 'group') {
      const userIds = await this.membership.memberIds(parsed.groupId);
      if (userIds.includes(userId)) return { conversationId, userIds, groupId: parsed.groupId };
    }
    throw conversationNotFound(conversationId);
  }

  /** The groups whose history the caller may read (current memberships). */
  readableGroupIds(userId: string): Promise<string[]> {
    return this.groups.groupIdsOf(userId);
  }

  /**
   * Signals (typing) into a conversation that exists: a 1:1 with a friend (no block either way), or a group the
   * caller is a member of; in a group they reach only members with no block with the caller.
   */
  async signal(userId: string, conversationId: string): Promise<Audience> {
    const parsed = parseConversationId(conversationId);
    if (parsed?.kind === 'direct' && parsed.userIds.includes(userId)) {
      const other = parsed.userIds.find((id) => id !== userId);
      const relations = await this.graph.relations(userId);
      // a conversation with oneself, a stranger or someone who does not exist is not there to signal into
      if (other === undefined || !relations.friends.has(other)) throw conversationNotFound(conversationId);
      if (blockedEitherWay(relations, other)) throw new DomainError(ErrorCode.Blocked, 'you cannot reach this user');
      return { conversationId, userIds: parsed.userIds, recipientIds: [other] };
    }
    if (parsed?.kind === 'group') {
      const userIds = await this.membership.memberIds(parsed.groupId);
      if (userIds.includes(userId)) {
        const recipientIds = (await this.consenting(userId, userIds)).filter((id) => id !== userId);
        return { conversationId, userIds, groupId: parsed.groupId, recipientIds };
      }
    }
    throw conversationNotFound(conversationId);
  }

  /** A read receipt: as a signal, and only for a message stored in that conversation (no made-up ids). */
  async receipt(userId: string, conversationId: string, messageId: string): Promise<Audience> {
    const audience = await this.signal(userId, conversationId);
    const record = await this.history.find(messageId);
    if (!record || record.conversationId !== conversationId)
      throw new DomainError(ErrorCode.MessageNotFound, `message ${messageId} not found in ${conversationId}`);
    return audience;
  }

  /** A system notice to a group (admin): an active group's members. */
  async noticeToGroup(groupId: string): Promise<readonly string[]> {
    if (!(await this.groups.findActiveGroup(groupId))) throw groupNotFound(groupId);
    return this.membership.memberIds(groupId);
  }

  /** A system notice to a user (admin): the user must exist. */
  async noticeToUser(userId: string): Promise<void> {
    if (!(await this.users.findById(userId))) throw userNotFound(userId);
  }

  // ——— social ———

  /** Friend request: to an existing other user, no block either way, not already friends. */
  async friendRequest(fromUserId: string, toUserId: string): Promise<void> {
    if (fromUserId === toUserId) throw new DomainError(ErrorCode.CannotTargetSelf, 'you cannot befriend yourself');
    if (!(await this.users.findById(toUserId))) throw userNotFound(toUserId);
    const relations = await this.graph.relations(fromUserId);
    if (blockedEitherWay(relations, toUserId))
      throw new DomainError(ErrorCode.Blocked, 'you cannot send a friend request to this user');
    if (relations.friends.has(toUserId)) throw new DomainError(ErrorCode.AlreadyFriends, 'you are already friends');
  }

  /** Accepting a friend request: not while a block stands either way. */
  async acceptFriend(userId: string, requesterId: string): Promise<void> {
    if (blockedEitherWay(await this.graph.relations(userId), requesterId))
      throw new DomainError(ErrorCode.Blocked, 'you cannot accept a request from this user');
  }

  /** Presence: the user's friends with no block either way (their presence is shown to these, and these to them). */
  async presenceAudience(userId: string): Promise<string[]> {
    const relations = await this.graph.relations(userId);
    return [...relations.friends].filter((id) => !blockedEitherWay(relations, id));
  }

  /**
   * Applying to join: an active group the caller is not in, and no block either way with its owner or an admin (the
   * application carries the applicant's text to them). Returns the managers to notify.
   */
  async joinRequest(userId: string, groupId: string): Promise<{ group: GroupEntity; managerIds: string[] }> {
    const group = await this.groups.findActiveGroup(groupId);
    if (!group) throw groupNotFound(groupId);
    const members = await this.groups.members(groupId);
    if (members.some((m) => m.userId === userId))
      throw new DomainError(ErrorCode.AlreadyGroupMember, 'you are already a member of this group');
    const managerIds = members.filter((m) => MANAGERS.includes(m.role)).map((m) => m.userId);
    const relations = await this.graph.relations(userId);
    if (managerIds.some((id) => blockedEitherWay(relations, id)))
      throw new DomainError(ErrorCode.Blocked, 'you cannot apply to this group');
    return { group, managerIds };
  }

  /**
   * Adding a user (owner or admin): directly only a friend of the adder with no block either way ('add'); anyone
   * else not in a block with the adder gets an invitation to accept or decline ('invite').
   */
  async addMember(callerId: string, groupId: string, userId: string): Promise<'add' | 'invite'> {
    await this.groupRole(callerId, groupId, MANAGERS);
    if (userId === callerId) throw new DomainError(ErrorCode.AlreadyGroupMember, 'you are already a member');
    if (!(await this.users.findById(userId))) throw userNotFound(userId);
    const relations = await this.graph.relations(callerId);
    if (blockedEitherWay(relations, userId)) throw new DomainError(ErrorCode.Blocked, 'you cannot add this user');
    return relations.friends.has(userId) ? 'add' : 'invite';
  }

  /** Of `userIds`, those with no block either way with `actorId` (the actor included if listed). */
  async consenting(actorId: string, userIds: readonly string[]): Promise<string[]> {
    const relations = await this.graph.relations(actorId);
    if (!relations.blocks.size && !relations.blockedBy.size) return [...userIds];
    return userIds.filter((id) => !blockedEitherWay(relations, id));
  }

  /**
   * Group management: the active group and the caller's role in it; 404 to non-members (to them it does not exist),
   * 403 to members without one of `allowed`.
   */
  async groupRole(
    callerId: string,
    groupId: string,
    allowed: GroupRole[],
  ): Promise<{ group: GroupEntity; role: GroupRole }> {
    const [group, role] = await Promise.all([
      this.groups.findActiveGroup(groupId),
      this.groups.role(groupId, callerId),
    ]);
    if (!group || !role) throw groupNotFound(groupId);
    if (!allowed.includes(role))
      throw new DomainError(
        ErrorCode.GroupPermissionDenied,
        `this needs the role ${allowed.join(' or ')} in the group; you are a ${role}`,
      );
    return { group, role };
  }
}
