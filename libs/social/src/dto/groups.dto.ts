import { IsCleanText } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const NOT_BLANK = /\S/;

export class CreateGroupDto {
  @ApiProperty({ example: 'Climbing crew', minLength: 1, maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @IsCleanText()
  name: string;
}

export class RenameGroupDto extends CreateGroupDto {}

export class GroupJoinRequestDto {
  @ApiPropertyOptional({ example: 'I climb with Alice on Tuesdays', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsCleanText()
  message?: string;
}

export class GroupUserDto {
  @ApiProperty({ example: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' })
  @IsUUID()
  userId: string;
}

export class SetGroupRoleDto {
  @ApiProperty({ enum: ['admin', 'member'] })
  @IsIn(['admin', 'member'])
  role: 'admin' | 'member';
}

export class GroupDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() ownerId: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'], description: 'your role' }) role: string;
  @ApiPropertyOptional() memberCount?: number;
  @ApiProperty({ example: 'g:0193…', description: 'the conversation holding the group’s messages' })
  conversationId: string;
}

export class GroupMemberDto {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty() nickname: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: string;
  @ApiProperty() joinedAt: string;
}

export class GroupJoinRequestViewDto {
  @ApiProperty() id: string;
  @ApiProperty() groupId: string;
  @ApiProperty() userId: string;
  @ApiPropertyOptional() message?: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status: string;
  @ApiProperty() createdAt: string;
}

export class GroupInvitationDto {
  @ApiProperty() id: string;
  @ApiProperty() groupId: string;
  @ApiProperty({ description: 'the invitee (you)' }) userId: string;
  @ApiProperty({ description: 'the owner or admin who invited' }) invitedBy: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status: string;
  @ApiProperty() createdAt: string;
}
