import { SwitchboardConfig } from '@app/config';
import { DispatchResult } from '@app/core';
import { hasInternalSecret, INTERNAL_DISPATCH_PATH } from '@app/transport';
import { Public } from '@app/platform';
import { WireType } from '@app/protocol';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import type { Request } from 'express';
import { MessageDispatchService } from '../dispatch/message-dispatch.service';

@Injectable()
export class InternalSecretGuard implements CanActivate {
  constructor(private readonly config: SwitchboardConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const secret = (this.config as { INTERNAL_SECRET?: string }).INTERNAL_SECRET;
    if (!secret || !hasInternalSecret(req.headers.authorization, secret)) {
      throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'internal secret required' });
    }
    return true;
  }
}

export class DispatchCommandDto {
  @IsEnum(WireType) type: WireType;
  @IsString() @MaxLength(64) senderId: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100_000) @IsString({ each: true }) recipientIds: string[];
  @IsOptional() @IsString() @MaxLength(200) conversationId?: string;
  @IsOptional() @IsString() @MaxLength(64) receiverId?: string;
  @IsOptional() @IsString() @MaxLength(64) groupId?: string;
  @IsOptional() @IsString() @MaxLength(100_000) body?: string;
  @IsOptional() @IsObject() @Type(() => Object) data?: Record<string, unknown>;
  @IsOptional() @IsString() @MaxLength(64) clientMsgId?: string;
  @IsBoolean() storeInHistory: boolean;
}

/** message-dispatch's internal API: the gateway's HttpDispatcher calls it; users never reach it. */
@ApiExcludeController()
@Public()
@UseGuards(InternalSecretGuard)
@Controller()
export class InternalDispatchController {
  constructor(private readonly dispatch: MessageDispatchService) {}

  @Post(INTERNAL_DISPATCH_PATH)
  @HttpCode(200)
  // Redis or the broker failing mid-send becomes a 503 in the exception filter (and any 5xx here is a 503 for the
  // gateway's caller): never a 201.
  dispatchMessage(@Body() command: DispatchCommandDto): Promise<DispatchResult> {
    return this.dispatch.dispatch(command);
  }
}
