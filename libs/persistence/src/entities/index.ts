import { BlockEntity } from './block.entity';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendshipEntity } from './friendship.entity';
import { GroupJoinRequestEntity } from './group-join-request.entity';
import { GroupMemberEntity } from './group-member.entity';
import { GroupEntity } from './group.entity';
import { ReadWatermarkEntity } from './read-watermark.entity';
import { UserEntity } from './user.entity';

export {
  BlockEntity,
  FriendRequestEntity,
  FriendshipEntity,
  GroupEntity,
  GroupJoinRequestEntity,
  GroupMemberEntity,
  ReadWatermarkEntity,
  UserEntity,
};
export type { FriendRequestStatus } from './friend-request.entity';
export type { GroupRole } from './group-member.entity';
export type { GroupJoinRequestStatus } from './group-join-request.entity';

export const ENTITIES = [
  UserEntity,
  FriendRequestEntity,
  FriendshipEntity,
  BlockEntity,
  GroupEntity,
  GroupMemberEntity,
  GroupJoinRequestEntity,
  ReadWatermarkEntity,
];
