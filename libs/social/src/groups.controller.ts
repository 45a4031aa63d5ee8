import { AuthenticatedUser } from '@app/tokens';
import { CurrentUser } from '@app/accounts';
import { ApiErrorDto, UuidParam as Uuid } from '@app/platform';
import type { GroupInvitationView, GroupJoinRequestView, GroupMemberView, GroupView } from '@app/protocol';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CreatedIdDto } from './dto/social.dto';
import {
  CreateGroupDto,
  GroupDto,
  GroupInvitationDto,
  GroupJoinRequestDto,
  GroupJoinRequestViewDto,
  GroupMemberDto,
  GroupUserDto,
  RenameGroupDto,
  SetGroupRoleDto,
} from './dto/groups.dto';
import { GroupsService } from './groups.service';

const NOT_FOUND = 'no such group, or you are not a member of it';
const FORBIDDEN = 'you are a member but lack the role';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a group; you become its owner' })
  @ApiCreatedResponse({ type: GroupDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateGroupDto): Promise<GroupView> {
    return this.groups.create(user.userId, dto.name);
  }

  @Get()
  @ApiOperation({ summary: 'The groups you are a member of, with your role' })
  @ApiOkResponse({ type: [GroupDto] })
  mine(@CurrentUser() user: AuthenticatedUser): Promise<GroupView[]> {
    return this.groups.mine(user.userId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A group you are a member of' })
  @ApiOkResponse({ type: GroupDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: NOT_FOUND })
  info(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<GroupView> {
    return this.groups.info(user.userId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a group (owner or admin)' })
  @ApiOkResponse({ type: GroupDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: NOT_FOUND })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  rename(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Body() dto: RenameGroupDto,
  ): Promise<GroupView> {
    return this.groups.rename(user.userId, id, dto.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Dissolve a group (owner only): every member leaves, pending requests are rejected' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: NOT_FOUND })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  async dissolve(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<void> {
    await this.groups.dissolve(user.userId, id);
  }

  @Get(':id/members')
  @ApiOperation({ summary: 'Members with their roles, in joining order (members only)' })
  @ApiOkResponse({ type: [GroupMemberDto] })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: NOT_FOUND })
  members(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<GroupMemberView[]> {
    return this.groups.members(user.userId, id);
  }

  @Post(':id/members')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Add a friend directly (owner or admin); the group gets a type 206 push',
    description:
      'Only a friend of yours with no block either way (else 403 NOT_FRIENDS / BLOCKED); invite anyone else ' +
      'with POST /groups/:id/invitations.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or no such user` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: `${FORBIDDEN}; or not your friend; or blocked` })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already a member' })
  async invite(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Body() dto: GroupUserDto,
  ): Promise<void> {
    await this.groups.invite(user.userId, id, dto.userId);
  }

  @Post(':id/invitations')
  @ApiOperation({
    summary: 'Invite a user (owner or admin); they get a type 215 push and accept or decline',
    description: 'Refused (403 BLOCKED) when a block stands between you and the user, either way.',
  })
  @ApiCreatedResponse({ type: CreatedIdDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or no such user` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: `${FORBIDDEN}; or blocked` })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already a member, or an invitation or request is pending' })
  inviteUser(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Body() dto: GroupUserDto,
  ): Promise<{ id: string }> {
    return this.groups.inviteUser(user.userId, id, dto.userId);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Leave (your own id) or remove a member (owner: anyone; admin: plain members)',
    description: 'The owner cannot leave: transfer the ownership or dissolve the group.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or the user is not a member` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the owner tried to leave' })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Param('userId', Uuid) userId: string,
  ): Promise<void> {
    await this.groups.removeMember(user.userId, id, userId);
  }

  @Patch(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Make a member an admin or a plain member (owner only)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or the user is not a member` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  async setRole(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Param('userId', Uuid) userId: string,
    @Body() dto: SetGroupRoleDto,
  ): Promise<void> {
    await this.groups.setRole(user.userId, id, userId, dto.role);
  }

  @Post(':id/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand the group to another member (owner only); you stay as an admin' })
  @ApiOkResponse({ type: GroupDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or the user is not a member` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  transfer(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Body() dto: GroupUserDto,
  ): Promise<GroupView> {
    return this.groups.transfer(user.userId, id, dto.userId);
  }

  @Post(':id/join-requests')
  @ApiOperation({ summary: 'Apply to join; the owner and admins get a type 204 push' })
  @ApiCreatedResponse({ type: CreatedIdDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such group' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already a member, or a request is pending' })
  requestToJoin(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Body() dto: GroupJoinRequestDto,
  ): Promise<{ id: string }> {
    return this.groups.requestToJoin(user.userId, id, dto.message);
  }

  @Get(':id/join-requests')
  @ApiOperation({ summary: 'Pending join requests (owner or admin)' })
  @ApiOkResponse({ type: [GroupJoinRequestViewDto] })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: NOT_FOUND })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  joinRequests(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<GroupJoinRequestView[]> {
    return this.groups.joinRequests(user.userId, id);
  }

  @Post(':id/join-requests/:rid/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a pending request (owner or admin); the group, the new member included, gets 206' })
  @ApiOkResponse({ type: GroupJoinRequestViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or no such request` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already decided' })
  approve(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Param('rid', Uuid) rid: string,
  ): Promise<GroupJoinRequestView> {
    return this.groups.approve(user.userId, id, rid);
  }

  @Post(':id/join-requests/:rid/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending request (owner or admin); the applicant gets 207' })
  @ApiOkResponse({ type: GroupJoinRequestViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: `${NOT_FOUND}; or no such request` })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: FORBIDDEN })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already decided' })
  reject(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', Uuid) id: string,
    @Param('rid', Uuid) rid: string,
  ): Promise<GroupJoinRequestView> {
    return this.groups.reject(user.userId, id, rid);
  }
}

@ApiTags('groups')
@ApiBearerAuth()
@Controller('group-invitations')
export class GroupInvitationsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOperation({ summary: 'Pending group invitations addressed to you' })
  @ApiOkResponse({ type: [GroupInvitationDto] })
  list(@CurrentUser() user: AuthenticatedUser): Promise<GroupInvitationView[]> {
    return this.groups.invitations(user.userId);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: you join and the group, you included, gets a 206' })
  @ApiOkResponse({ type: GroupInvitationDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such invitation to you' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'a block stands between you and the inviter' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already decided, or the group is gone' })
  accept(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<GroupInvitationView> {
    return this.groups.acceptInvitation(user.userId, id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline an invitation; the inviter gets a 207 (kind "invitation")' })
  @ApiOkResponse({ type: GroupInvitationDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such invitation to you' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already decided' })
  decline(@CurrentUser() user: AuthenticatedUser, @Param('id', Uuid) id: string): Promise<GroupInvitationView> {
    return this.groups.declineInvitation(user.userId, id);
  }
}
