import { ErrorCode } from '@app/core';

/** The HTTP status of each domain error code: the edge's mapping, kept out of the domain. */
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.CannotTargetSelf]: 400,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.TokenRevoked]: 401,
  [ErrorCode.RefreshTokenInvalid]: 401,
  [ErrorCode.RefreshTokenExpired]: 401,
  [ErrorCode.RefreshTokenRevoked]: 401,
  [ErrorCode.RefreshTokenReused]: 401,
  [ErrorCode.Blocked]: 403,
  [ErrorCode.NotFriends]: 403,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.UserNotFound]: 404,
  [ErrorCode.FriendRequestNotFound]: 404,
  [ErrorCode.ConversationNotFound]: 404,
  [ErrorCode.UsernameTaken]: 409,
  [ErrorCode.FriendRequestExists]: 409,
  [ErrorCode.FriendRequestNotPending]: 409,
  [ErrorCode.AlreadyFriends]: 409,
  [ErrorCode.SendInProgress]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.DependencyUnavailable]: 503,
  [ErrorCode.AuthBusy]: 503,
  [ErrorCode.GroupNotFound]: 404,
  [ErrorCode.NotAGroupMember]: 403,
  [ErrorCode.GroupPermissionDenied]: 403,
  [ErrorCode.GroupMemberNotFound]: 404,
  [ErrorCode.AlreadyGroupMember]: 409,
  [ErrorCode.GroupOwnerCannotLeave]: 409,
  [ErrorCode.GroupJoinRequestNotFound]: 404,
  [ErrorCode.GroupJoinRequestExists]: 409,
  [ErrorCode.GroupJoinRequestNotPending]: 409,
  [ErrorCode.GroupInvitationNotFound]: 404,
  [ErrorCode.MessageNotFound]: 404,
  [ErrorCode.RecallWindowPassed]: 409,
  [ErrorCode.NotFound]: 404,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}
