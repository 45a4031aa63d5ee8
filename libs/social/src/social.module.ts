import { Module } from '@nestjs/common';
import { BlocksService } from './blocks.service';
import { FriendsService } from './friends.service';
import { GroupMembershipCache } from './group-membership.cache';
import { GroupInvitationsController, GroupsController } from './groups.controller';
import { AccessPolicy } from './access-policy';
import { SocialGraphCache } from './social-graph.cache';
import { GroupsService } from './groups.service';
import { Notifier } from './notifier';
import { PresenceService } from './presence.service';
import { BlocksController, FriendsController } from './social.controller';

@Module({
  controllers: [FriendsController, BlocksController, GroupsController, GroupInvitationsController],
  providers: [
    FriendsService,
    BlocksService,
    GroupsService,
    GroupMembershipCache,
    SocialGraphCache,
    AccessPolicy,
    Notifier,
    PresenceService,
  ],
  exports: [Notifier, AccessPolicy],
})
export class SocialModule {}
