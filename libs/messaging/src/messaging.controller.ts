import { AuthenticatedUser, CurrentUser } from '@app/accounts';
import { ApiErrorDto, RateLimit } from '@app/platform';
import type {
  ConversationSummary,
  HistoryPage,
  InboxPage,
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
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AckDto,
  HistoryQueryDto,
  InboxQueryDto,
  SearchQueryDto,
  SendMessageDto,
  SendMessageResponseDto,
} from './dto/messaging.dto';
import { HistoryQueryService } from './history/history-query.service';
import { InboxService } from './inbox/inbox.service';
import { SendMessageUseCase } from './send/send-message.use-case';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly sendMessage: SendMessageUseCase,
    private readonly history: HistoryQueryService,
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
  constructor(private readonly history: HistoryQueryService) {}

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
