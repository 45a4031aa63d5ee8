import { IsCleanText } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateFriendRequestDto {
  @ApiProperty({ example: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' })
  @IsUUID()
  userId: string;

  @ApiPropertyOptional({ example: 'Hi, it’s Alice from the climbing gym', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsCleanText()
  message?: string;
}

export class CreatedIdDto {
  @ApiProperty() id: string;
}

export class FriendRequestDto {
  @ApiProperty() id: string;
  @ApiProperty() fromUserId: string;
  @ApiProperty() toUserId: string;
  @ApiPropertyOptional() message?: string;
  @ApiProperty({ enum: ['pending', 'accepted', 'rejected'] }) status: 'pending' | 'accepted' | 'rejected';
  @ApiProperty() createdAt: string;
}

export class FriendPresenceDto {
  @ApiProperty({ example: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' }) userId: string;
  @ApiProperty({ description: 'at least one live push connection' }) online: boolean;
  @ApiPropertyOptional({ example: '2026-01-01T12:00:00.000Z', description: 'when offline: last seen online, if ever' })
  lastSeen?: string;
}
