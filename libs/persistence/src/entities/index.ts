import { BlockEntity } from './block.entity';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendshipEntity } from './friendship.entity';
import { UserEntity } from './user.entity';

export { BlockEntity, FriendRequestEntity, FriendshipEntity, UserEntity };
export type { FriendRequestStatus } from './friend-request.entity';

export const ENTITIES = [UserEntity, FriendRequestEntity, FriendshipEntity, BlockEntity];
