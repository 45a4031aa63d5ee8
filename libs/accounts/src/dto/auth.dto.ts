import { IsCleanText } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { DEVICE_PLATFORMS, type DevicePlatform } from '@app/protocol';

export class RegisterDto {
  @ApiProperty({ example: 'alice', description: '3-32 letters, digits, _ . -; unique ignoring case' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{3,32}$/, { message: 'username must be 3-32 characters of letters, digits, _ . or -' })
  username: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  @IsCleanText()
  password: string;

  @ApiPropertyOptional({ example: 'Alice', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @IsCleanText()
  nickname?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 128)
  password: string;

  @ApiPropertyOptional({
    enum: DEVICE_PLATFORMS,
    default: 'other',
    description:
      'the device platform; with MULTI_DEVICE_POLICY=per-platform a login ends the older session of the same platform',
  })
  @IsOptional()
  @IsIn(DEVICE_PLATFORMS)
  platform?: DevicePlatform;
}

export class PublicUserDto {
  @ApiProperty({ example: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' }) id: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'Alice' }) nickname: string;
}

export class NodeAddressDto {
  @ApiProperty({ example: 'standalone' }) id: string;
  @ApiProperty({ example: 'http://localhost:3000', description: 'socket.io URL (path /socket.io)' }) url: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'short-lived bearer token for the API and the push handshake' }) accessToken: string;
  @ApiProperty({ example: 900, description: 'seconds until the access token expires (JWT_TTL_SECONDS)' })
  expiresIn: number;
  @ApiProperty({ description: 'single-use: trade it at POST /auth/refresh for a new pair' }) refreshToken: string;
  @ApiProperty({ example: 2592000, description: 'seconds until the refresh token expires (REFRESH_TTL_SECONDS)' })
  refreshExpiresIn: number;
  @ApiProperty({ type: PublicUserDto }) user: PublicUserDto;
  @ApiProperty({ type: NodeAddressDto, description: 'the push node to connect to' }) node: NodeAddressDto;
}

export class RefreshDto {
  @ApiProperty({ description: 'the refresh token of the last login or refresh' })
  @IsString()
  @Length(1, 4096)
  refreshToken: string;
}

export class UserSearchQueryDto {
  @ApiProperty({ example: 'ali', description: 'username prefix, case-insensitive' })
  @IsString()
  @Length(1, 32)
  search: string;
}
