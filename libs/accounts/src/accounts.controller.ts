import { ApiErrorDto, Public, RateLimit } from '@app/platform';
import { UsersRepository } from '@app/persistence';
import type { LoginResponse, PublicUser, RefreshResponse } from '@app/protocol';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser } from './auth.guard';
import { AuthenticatedUser } from '@app/tokens';
import { LoginDto, LoginResponseDto, PublicUserDto, RefreshDto, RegisterDto, UserSearchQueryDto } from './dto/auth.dto';
import { toPublicUser } from './public-user';
import { LoginUseCase } from './use-cases/login.use-case';
import { LogoutUseCase } from './use-cases/logout.use-case';
import { RefreshUseCase } from './use-cases/refresh.use-case';
import { RegisterUseCase } from './use-cases/register.use-case';
import { DomainError, ErrorCode } from '@app/core';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly registerUser: RegisterUseCase,
    private readonly loginUser: LoginUseCase,
    private readonly logoutUser: LogoutUseCase,
    private readonly refreshSession: RefreshUseCase,
  ) {}

  @Public()
  @RateLimit('login')
  @Post('register')
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: PublicUserDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'username taken' })
  register(@Body() dto: RegisterDto): Promise<PublicUser> {
    return this.registerUser.execute(dto);
  }

  @Public()
  @RateLimit('login')
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: a short-lived access token naming the push node to connect to' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto })
  login(@Body() dto: LoginDto): Promise<LoginResponse> {
    return this.loginUser.execute(dto);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Trade a refresh token for a new access token and refresh token',
    description:
      'Refresh tokens are single-use and rotate: the answer carries a new one, and the access token issued with the ' +
      'old one stops working. The new access token names the push node the hash ring picks now: a client told ' +
      'NODE_DRAINING or TOKEN_WRONG_NODE refreshes and reconnects there with its lastSeq. Refused with 401 ' +
      'REFRESH_TOKEN_INVALID, REFRESH_TOKEN_EXPIRED, REFRESH_TOKEN_REVOKED (the session was logged out or replaced ' +
      'by a newer login) or REFRESH_TOKEN_REUSED (already traded).',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto })
  refresh(@Body() dto: RefreshDto): Promise<RefreshResponse> {
    return this.refreshSession.execute(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Revoke the access token used for this call (and so its refresh token) and end its push sessions',
  })
  async logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.logoutUser.execute(user);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: PublicUserDto })
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<PublicUser> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new DomainError(ErrorCode.UserNotFound, 'your account no longer exists');
    return toPublicUser(user);
  }

  @Get()
  @ApiOperation({ summary: 'Find users by username prefix' })
  @ApiOkResponse({ type: [PublicUserDto] })
  async search(@Query() query: UserSearchQueryDto): Promise<PublicUser[]> {
    return (await this.users.searchByPrefix(query.search, 20)).map(toPublicUser);
  }
}
