import { AuthenticatedUser } from '@app/tokens';
import { CurrentUser } from '@app/accounts';
import { ApiErrorDto, RateLimit } from '@app/platform';
import type {
  ConversationSummary,
  HistoryPage,
  InboxPage,
  MarkReadResponse,
  ReadCountResponse,
  RecallResponse,
  SendMessageResponse,
  StoredMessageView,
} from '@app/protocol';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AckDto,
  HistoryQueryDto,
  InboxQueryDto,
  MarkReadDto,
  MarkReadResponseDto,
  ReadCountQueryDto,
  ReadCountResponseDto,
  RecallResponseDto,
  SearchQueryDto,
  SendMessageDto,
  SendMessageResponseDto,
} from './dto/messaging.dto';
import { HistoryQueryService } from './history/history-query.service';
import { InboxService } from '@app/inbox';
import { SendMessageUseCase } from './send/send-message.use-case';
import { RecallMessageUseCase } from './recall/recall-message.use-case';
import { ReadReceiptsService } from './conversations/read-receipts.service';
import { TypingService } from './conversations/typing.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly sendMessage: SendMessageUseCase,
    private readonly history: HistoryQueryService,
    private readonly recallMessage: RecallMessageUseCase,
  ) {}

  @Post()
  @RateLimit('send')
  @ApiOperation({
    summary: 'Send a message to a friend ({to: {userId}}) or a group ({to: {groupId}}); answered once it is durable',
  })
  @ApiCreatedResponse({ type: SendMessageResponseDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'not friends, blocked, or not a member of the group' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the same clientMsgId is being sent right now' })
  @ApiServiceUnavailableResponse({
    type: ApiErrorDto,
    description: 'the broker did not take it; retry with the same clientMsgId',
  })
  send(@CurrentUser() user: AuthenticatedUser, @Body() dto: SendMessageDto): Promise<SendMessageResponse> {
    const common = { senderId: user.userId, body: dto.body, clientMsgId: dto.clientMsgId };
    // the DTO guarantees exactly one of the two
    return this.sendMessage.execute(
      dto.to.groupId !== undefined ? { ...common, toGroupId: dto.to.groupId } : { ...common, toUserId: dto.to.userId! },
    );
  }

  @Post(':messageId/recall')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Recall one of your messages within RECALL_WINDOW_SECONDS of sending it',
    description:
      'Every participant gets a type 208 {messageId, conversationId} in their inbox; history and search then show the message as recalled, without its text. Idempotent.',
  })
  @ApiOkResponse({ type: RecallResponseDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'you are not its sender' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such message (or not in history yet)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'RECALL_WINDOW_PASSED' })
  recall(@CurrentUser() user: AuthenticatedUser, @Param('messageId') messageId: string): Promise<RecallResponse> {
    return this.recallMessage.execute(user.userId, messageId);
  }

  @Get('search')
  @ApiOperation({ summary: 'Full-text search over your own conversations' })
  search(@CurrentUser() user: AuthenticatedUser, @Query() query: SearchQueryDto): Promise<StoredMessageView[]> {
    return this.history.search(user.userId, query.q, query.conversationId, query.limit);
  }
}

@ApiTags('messages')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly history: HistoryQueryService,
    private readonly receipts: ReadReceiptsService,
    private readonly typingIndicators: TypingService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your conversations, most recent first, with their last message' })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ConversationSummary[]> {
    return this.history.conversations(user.userId, 100);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'History of one conversation, newest first; pass nextBefore as before for older pages' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  messages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPage> {
    return this.history.page(user.userId, id, query.before, query.limit);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark the conversation read up to messageId (your read watermark; it only moves forward)',
    description: 'When it moves, the other participants get a type 209 {conversationId, userId, messageId}.',
  })
  @ApiOkResponse({ type: MarkReadResponseDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'not a conversation of yours' })
  markRead(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() dto: MarkReadDto,
  ): Promise<MarkReadResponse> {
    return this.receipts.markRead(user.userId, id, dto.messageId);
  }

  @Get(':id/reads')
  @ApiOperation({ summary: 'How many participants other than you have read messageId (or further): {count}' })
  @ApiOkResponse({ type: ReadCountResponseDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'not a conversation of yours' })
  reads(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Query() query: ReadCountQueryDto,
  ): Promise<ReadCountResponse> {
    return this.receipts.readCount(user.userId, id, query.messageId);
  }

  @Post(':id/typing')
  @RateLimit('typing')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Tell the other participants you are typing (live `typing` socket event, never stored)',
    description: 'At most one per second per conversation.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'not a conversation of yours' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'more than one per second' })
  async typing(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.typingIndicators.typing(user.userId, id);
  }
}

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({
    summary: 'Offline pull in seq order',
    description:
      'Entries after `after`; type 214 marks a burnt seq; `pending` seqs are still on their way: ask again later, do not skip them.',
  })
  read(@CurrentUser() user: AuthenticatedUser, @Query() query: InboxQueryDto): Promise<InboxPage> {
    return this.inbox.read(user.userId, query.after, query.limit);
  }

  @Post('ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge every seq up to and including `seq`' })
  ack(@CurrentUser() user: AuthenticatedUser, @Body() dto: AckDto): Promise<{ watermark: number }> {
    return this.inbox.ack(user.userId, dto.seq);
  }
}
