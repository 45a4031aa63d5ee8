import type { PublicUser } from '@app/protocol';

export function toPublicUser(user: { id: string; username: string; nickname: string }): PublicUser {
  return { id: user.id, username: user.username, nickname: user.nickname };
}
