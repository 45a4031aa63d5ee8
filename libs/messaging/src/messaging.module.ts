import { InboxModule } from '@app/inbox';
import { SocialModule } from '@app/social';
import { Module } from '@nestjs/common';
import { HistoryQueryService } from './history/history-query.service';
import { ConversationsController, InboxController, MessagesController } from './messaging.controller';
import { SendMessageUseCase } from './send/send-message.use-case';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { AdminController } from './admin/admin.controller';
import { NoticesService } from './admin/notices.service';
import { ReadReceiptsService } from './conversations/read-receipts.service';
import { TypingService } from './conversations/typing.service';
import { RecallMessageUseCase } from './recall/recall-message.use-case';

/** The gateway's message API: send, recall, inbox pull/ack, history, search, read receipts, typing, admin notices. Group sends use SocialModule's membership cache. */
@Module({
  imports: [SocialModule, InboxModule],
  controllers: [MessagesController, ConversationsController, InboxController, AdminController],
  providers: [
    SendMessageUseCase,
    HistoryQueryService,
    RecallMessageUseCase,
    ReadReceiptsService,
    TypingService,
    NoticesService,
    AdminTokenGuard,
  ],
  exports: [InboxModule],
})
export class MessagingApiModule {}
