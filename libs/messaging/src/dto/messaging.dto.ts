import { FastAccept, isCleanText, IsCleanText } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  isUUID,
  IsUUID,
  Length,
  Matches,
  Max,
  maxLength,
  MaxLength,
  Min,
  minLength,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

/** Fails when the decorated property and `other` are both present. */
function IsAbsentWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAbsentWith',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args) =>
          value === undefined || (args?.object as Record<string, unknown>)[other] === undefined,
      },
    });
}

/** Exactly one of userId (1:1) or groupId (group message). */
export class RecipientDto {
  @ApiPropertyOptional({ description: 'the friend to message', example: '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2' })
  // required unless a groupId is given, so `{}` is named as a missing userId
  @ValidateIf((o: RecipientDto) => o.groupId === undefined || o.userId !== undefined)
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'the group to message (you must be a member)' })
  @ValidateIf((o: RecipientDto) => o.groupId !== undefined)
  @IsUUID()
  @IsAbsentWith('userId', { message: 'to must name either userId or groupId, not both' })
  groupId?: string;
}

const CLIENT_MSG_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const BODY_MAX_LENGTH = 4000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The send body as nearly every client writes it, checked by hand with class-validator's own functions (the decorators
 * below stay the contract and name every problem of anything else).
 */
function acceptSendMessage(value: unknown): SendMessageDto | undefined {
  if (!isPlainObject(value) || Object.keys(value).length !== 3) return undefined;
  const { to, body, clientMsgId } = value;
  if (!isPlainObject(to) || Object.keys(to).length !== 1) return undefined;
  const recipient = new RecipientDto();
  if (isUUID(to.userId)) recipient.userId = to.userId as string;
  else if (isUUID(to.groupId)) recipient.groupId = to.groupId as string;
  else return undefined;
  const bodyOk = minLength(body, 1) && maxLength(body, BODY_MAX_LENGTH) && isCleanText(body);
  if (!bodyOk || typeof clientMsgId !== 'string' || !CLIENT_MSG_ID.test(clientMsgId)) return undefined;
  const dto = new SendMessageDto();
  dto.to = recipient;
  dto.body = body;
  dto.clientMsgId = clientMsgId;
  return dto;
}

@FastAccept(acceptSendMessage)
export class SendMessageDto {
  @ApiProperty({ type: RecipientDto, description: 'exactly one of {userId} or {groupId}' })
  @IsDefined()
  @ValidateNested()
  @Type(() => RecipientDto)
  to: RecipientDto;

  @ApiProperty({ example: 'hello 👋', maxLength: BODY_MAX_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(BODY_MAX_LENGTH)
  @IsCleanText()
  body: string;

  @ApiProperty({
    example: 'c-7f1d2e',
    description: 'chosen by the client; a retry with the same value returns the first answer',
  })
  @IsString()
  @Matches(CLIENT_MSG_ID, { message: 'clientMsgId must be 1-64 characters of letters, digits, _ . : or -' })
  clientMsgId: string;
}

export class SendMessageResponseDto {
  @ApiProperty() messageId: string;
  @ApiProperty({ description: 'the seq of this message in the sender’s own inbox' }) seq: number;
  @ApiProperty({ example: 'd:0193…:0194…' }) conversationId: string;
  @ApiProperty() createdAt: string;
}

export class InboxQueryDto {
  @ApiPropertyOptional({ description: 'return entries after this seq', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after = 0;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

export class AckDto {
  @ApiProperty({ description: 'acknowledge every seq up to and including this one' })
  @IsInt()
  @Min(0)
  seq: number;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'messageId cursor: return older messages' })
  @IsOptional()
  @IsUUID()
  before?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

export class SearchQueryDto {
  @ApiProperty({ description: 'words to find (all of them)' })
  @IsString()
  @Length(1, 200)
  @IsCleanText()
  q: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  conversationId?: string;

  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}

export class MarkReadDto {
  @ApiProperty({ description: 'the newest message you have read in this conversation' })
  @IsUUID()
  messageId: string;
}

export class ReadCountQueryDto {
  @ApiProperty({ description: 'count the participants who have read this message (or a newer one)' })
  @IsUUID()
  messageId: string;
}

export class RecallResponseDto {
  @ApiProperty()
  messageId: string;

  @ApiProperty()
  conversationId: string;

  @ApiProperty({ enum: [true] })
  recalled: true;
}

export class MarkReadResponseDto {
  @ApiProperty()
  conversationId: string;

  @ApiProperty({ description: 'your read watermark after the call' })
  messageId: string;

  @ApiProperty({ description: 'false if the watermark was already at or past messageId' })
  advanced: boolean;
}

export class ReadCountResponseDto {
  @ApiProperty({ description: 'participants other than you whose read watermark is at or past messageId' })
  count: number;
}
