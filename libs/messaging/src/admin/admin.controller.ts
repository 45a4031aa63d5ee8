import { ApiErrorDto, IsCleanText, Public } from '@app/platform';
import type { NoticeResponse } from '@app/protocol';
import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsDefined, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { AdminTokenGuard } from './admin-token.guard';
import { NoticesService } from './notices.service';

export class NoticeTargetDto {
  @ApiPropertyOptional({ description: 'one user (inbox entry, type 210)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'every member of a group (inbox entries, type 210)' })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ description: 'everyone online now (live `notice` socket event, not stored)', enum: [true] })
  @IsOptional()
  @Equals(true)
  all?: true;
}

export class NoticeDto {
  @ApiProperty({ type: NoticeTargetDto, description: 'exactly one of {userId}, {groupId} or {all: true}' })
  @IsDefined()
  @ValidateNested()
  @Type(() => NoticeTargetDto)
  to: NoticeTargetDto;

  @ApiProperty({ example: 'Maintenance at 02:00 UTC', maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  @IsCleanText()
  body: string;
}

export class NoticeResponseDto implements NoticeResponse {
  @ApiProperty()
  noticeId: string;

  @ApiPropertyOptional({ description: 'inbox recipients; absent for {all: true}' })
  recipients?: number;
}

/** The admin API: its own bearer token (ADMIN_TOKEN), not a user's. Off (404) when ADMIN_TOKEN is unset. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@Public()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminController {
  constructor(private readonly notices: NoticesService) {}

  @Post('notices')
  @ApiOperation({
    summary: 'Send a system notice (type 210) to a user, a group, or everyone online',
    description: 'Authenticated by `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN configured: 404.',
  })
  @ApiCreatedResponse({ type: NoticeResponseDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'no admin token' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'wrong admin token' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'admin API off (no ADMIN_TOKEN), or unknown user/group' })
  send(@Body() dto: NoticeDto): Promise<NoticeResponse> {
    return this.notices.send(dto.to, dto.body);
  }
}
