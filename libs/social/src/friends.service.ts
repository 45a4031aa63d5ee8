import { CLOCK, Clock, DomainError, ErrorCode, newTimeOrderedId } from '@app/core';
import { FriendRequestEntity, SocialGraphRepository, UsersRepository } from '@app/persistence';
import { FriendRequestView, PublicUser, WireType } from '@app/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicy } from './access-policy';
import { Notifier } from './notifier';
import { SocialGraphCache } from './social-graph.cache';

@Injectable()
export class FriendsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly graph: SocialGraphRepository,
    private readonly notifier: Notifier,
    private readonly policy: AccessPolicy,
    private readonly cache: SocialGraphCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async request(fromUserId: string, toUserId: string, message?: string): Promise<{ id: string }> {
    await this.policy.friendRequest(fromUserId, toUserId);
    const from = await this.users.findById(fromUserId);
    if (!from) throw new DomainError(ErrorCode.UserNotFound, `user ${fromUserId} does not exist`);
    const request = await this.graph.createFriendRequest({
      id: newTimeOrderedId(),
      fromUserId,
      toUserId,
      message: message ?? null,
      createdAt: this.clock.now(),
    });
    await this.notifier.notify(
      WireType.FriendRequestReceived,
      fromUserId,
      toUserId,
      { requestId: request.id, from: { id: from.id, username: from.username, nickname: from.nickname } },
      message,
    );
    return { id: request.id };
  }

  async accept(callerId: string, requestId: string): Promise<FriendRequestView> {
    return this.decide(callerId, requestId, 'accepted');
  }

  async reject(callerId: string, requestId: string): Promise<FriendRequestView> {
    return this.decide(callerId, requestId, 'rejected');
  }

  async pendingRequests(userId: string): Promise<FriendRequestView[]> {
    return (await this.graph.pendingFriendRequests(userId)).map(toView);
  }

  async friends(userId: string): Promise<PublicUser[]> {
    const ids = await this.graph.friendIds(userId);
    const byId = new Map((await this.users.findByIds(ids)).map((u) => [u.id, u]));
    return ids.flatMap((id) => {
      const u = byId.get(id);
      return u ? [{ id: u.id, username: u.username, nickname: u.nickname }] : [];
    });
  }

  async unfriend(userId: string, friendId: string): Promise<void> {
    if (!(await this.users.findById(friendId)))
      throw new DomainError(ErrorCode.UserNotFound, `user ${friendId} does not exist`);
    await this.graph.removeFriendship(userId, friendId);
    await this.cache.invalidate(userId, friendId);
  }

  private async decide(
    callerId: string,
    requestId: string,
    status: 'accepted' | 'rejected',
  ): Promise<FriendRequestView> {
    const request = await this.graph.findFriendRequest(requestId);
    // Only the addressee may decide; to anyone else the request does not exist.
    if (!request || request.toUserId !== callerId)
      throw new DomainError(ErrorCode.FriendRequestNotFound, `friend request ${requestId} not found`);
    // a block placed meanwhile also rejected the request (in the block's transaction), so this check cannot be raced
    if (status === 'accepted') await this.policy.acceptFriend(request.toUserId, request.fromUserId);
    if (request.status !== 'pending' || !(await this.graph.decideFriendRequest(request, status, this.clock.now()))) {
      throw new DomainError(
        ErrorCode.FriendRequestNotPending,
        `friend request ${requestId} was already ${request.status === 'pending' ? 'decided' : request.status}`,
      );
    }
    if (status === 'accepted') await this.cache.invalidate(request.fromUserId, request.toUserId);
    const type = status === 'accepted' ? WireType.FriendRequestAccepted : WireType.RequestRejected;
    await this.notifier.notify(type, callerId, request.fromUserId, { requestId, kind: 'friend', userId: callerId });
    return toView({ ...request, status });
  }
}

function toView(r: FriendRequestEntity): FriendRequestView {
  return {
    id: r.id,
    fromUserId: r.fromUserId,
    toUserId: r.toUserId,
    ...(r.message !== null ? { message: r.message } : {}),
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
