import { Module } from '@nestjs/common';
import { BlocksService } from './blocks.service';
import { FriendsService } from './friends.service';
import { GroupMembershipCache } from './group-membership.cache';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { Notifier } from './notifier';
import { PresenceService } from './presence.service';
import { BlocksController, FriendsController } from './social.controller';

@Module({
  controllers: [FriendsController, BlocksController, GroupsController],
  providers: [FriendsService, BlocksService, GroupsService, GroupMembershipCache, Notifier, PresenceService],
  exports: [Notifier, GroupMembershipCache],
})
export class SocialModule {}
