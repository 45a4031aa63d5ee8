import { AuthenticatedUser } from '@app/tokens';
import { CurrentUser } from '@app/accounts';
import { ApiErrorDto, UuidParam as Uuid } from '@app/platform';
import type { FriendPresence, FriendRequestView, PublicUser } from '@app/protocol';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { BlocksService } from './blocks.service';
import { CreatedIdDto, CreateFriendRequestDto, FriendPresenceDto, FriendRequestDto } from './dto/social.dto';
import { PresenceService } from './presence.service';
import { FriendsService } from './friends.service';

@ApiTags('friends')
@ApiBearerAuth()
@Controller('friends')
export class FriendsController {
  constructor(
    private readonly friends: FriendsService,
    private readonly presence: PresenceService,
  ) {}

  @Post('requests')
  @ApiOperation({ summary: 'Ask a user to be friends (they get a type 203 push)' })
  @ApiCreatedResponse({ type: CreatedIdDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'blocked' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already friends, or a request is pending' })
  request(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateFriendRequestDto): Promise<{ id: string }> {
    return this.friends.request(user.userId, dto.userId, dto.message);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Pending requests sent and received' })
  @ApiOkResponse({ type: [FriendRequestDto] })
  pending(@CurrentUser() user: AuthenticatedUser): Promise<FriendRequestView[]> {
    return this.friends.pendingRequests(user.userId);
  }

  @Post('requests/:id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a request addressed to you (the requester gets 205)' })
  @ApiOkResponse({ type: FriendRequestDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  accept(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<FriendRequestView> {
    return this.friends.accept(user.userId, id);
  }

  @Post('requests/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a request addressed to you (the requester gets 207)' })
  @ApiOkResponse({ type: FriendRequestDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  reject(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<FriendRequestView> {
    return this.friends.reject(user.userId, id);
  }

  @Get()
  @ApiOperation({ summary: 'Your friends' })
  list(@CurrentUser() user: AuthenticatedUser): Promise<PublicUser[]> {
    return this.friends.friends(user.userId);
  }

  @Get('presence')
  @ApiOperation({ summary: 'Your friends’ presence: online, or offline with last seen' })
  @ApiOkResponse({ type: [FriendPresenceDto] })
  presenceOfFriends(@CurrentUser() user: AuthenticatedUser): Promise<FriendPresence[]> {
    return this.presence.ofFriends(user.userId);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unfriend' })
  async unfriend(@CurrentUser() user: AuthenticatedUser, @Param('userId', Uuid) userId: string): Promise<void> {
    await this.friends.unfriend(user.userId, userId);
  }
}

@ApiTags('friends')
@ApiBearerAuth()
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  @ApiOperation({ summary: 'Ids of the users you block' })
  list(@CurrentUser() user: AuthenticatedUser): Promise<string[]> {
    return this.blocks.blocked(user.userId);
  }

  @Post(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Block a user: no messages or requests either way' })
  async block(@CurrentUser() user: AuthenticatedUser, @Param('userId', Uuid) userId: string): Promise<void> {
    await this.blocks.block(user.userId, userId);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a user' })
  async unblock(@CurrentUser() user: AuthenticatedUser, @Param('userId', Uuid) userId: string): Promise<void> {
    await this.blocks.unblock(user.userId, userId);
  }
}
