/** Domain error codes; the HTTP edge maps each to a status (platform's exception filter). */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  UsernameTaken = 'USERNAME_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  TokenRevoked = 'TOKEN_REVOKED',
  UserNotFound = 'USER_NOT_FOUND',
  FriendRequestNotFound = 'FRIEND_REQUEST_NOT_FOUND',
  FriendRequestExists = 'FRIEND_REQUEST_EXISTS',
  FriendRequestNotPending = 'FRIEND_REQUEST_NOT_PENDING',
  AlreadyFriends = 'ALREADY_FRIENDS',
  NotFriends = 'NOT_FRIENDS',
  CannotTargetSelf = 'CANNOT_TARGET_SELF',
  Blocked = 'BLOCKED',
  Forbidden = 'FORBIDDEN',
  ConversationNotFound = 'CONVERSATION_NOT_FOUND',
  SendInProgress = 'SEND_IN_PROGRESS',
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
  RateLimited = 'RATE_LIMITED',
}

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.CannotTargetSelf]: 400,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.TokenRevoked]: 401,
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
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}
