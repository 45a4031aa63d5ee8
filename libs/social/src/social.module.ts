import { Module } from '@nestjs/common';
import { BlocksService } from './blocks.service';
import { FriendsService } from './friends.service';
import { Notifier } from './notifier';
import { BlocksController, FriendsController } from './social.controller';

@Module({
  controllers: [FriendsController, BlocksController],
  providers: [FriendsService, BlocksService, Notifier],
  exports: [Notifier],
})
export class SocialModule {}
