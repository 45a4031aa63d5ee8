import { ApiErrorDto, Public, RateLimit } from '@app/platform';
import { UsersRepository } from '@app/persistence';
import type { LoginResponse, PublicUser } from '@app/protocol';
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
import { AuthenticatedUser } from './authenticated-user';
import { LoginDto, LoginResponseDto, PublicUserDto, RegisterDto, UserSearchQueryDto } from './dto/auth.dto';
import { toPublicUser } from './public-user';
import { LoginUseCase } from './use-cases/login.use-case';
import { LogoutUseCase } from './use-cases/logout.use-case';
import { RegisterUseCase } from './use-cases/register.use-case';
import { DomainError, ErrorCode } from '@app/core';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly registerUser: RegisterUseCase,
    private readonly loginUser: LoginUseCase,
    private readonly logoutUser: LogoutUseCase,
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

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the access token used for this call and end its push sessions' })
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
