import { InboxModule } from '@app/inbox';
import { SocialModule } from '@app/social';
import { Module } from '@nestjs/common';
import { MessageDispatchService } from './dispatch/message-dispatch.service';
import { PushRouter } from './dispatch/push-router';
import { LocalMessageDispatcher } from './dispatch/local-message-dispatcher';
import { HistoryQueryService } from './history/history-query.service';
import { ConversationsController, InboxController, MessagesController } from './messaging.controller';
import { SendMessageUseCase } from './send/send-message.use-case';
import { StorageConsumers, StorageEventsController, StorageSubscriptions } from './storage/storage-consumers';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { AdminController } from './admin/admin.controller';
import { NoticesService } from './admin/notices.service';
import { ReadReceiptsService } from './conversations/read-receipts.service';
import { TypingService } from './conversations/typing.service';
import { RecallMessageUseCase } from './recall/recall-message.use-case';
import { InternalDispatchController } from './internal/internal-dispatch.controller';

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

/** message-dispatch: accepts sends, allocates seqs, publishes, pushes. */
@Module({
  providers: [MessageDispatchService, PushRouter],
  exports: [MessageDispatchService],
})
export class DispatchModule {}

/** Dispatch inside the one-process server: sends commit in the embedded send journal, then push locally. */
@Module({
  providers: [LocalMessageDispatcher, PushRouter],
  exports: [LocalMessageDispatcher],
})
export class LocalDispatchModule {}

/** message-dispatch as its own process: the @MessagePattern handlers of the internal dispatch API (TCP transport). */
@Module({
  imports: [DispatchModule],
  controllers: [InternalDispatchController],
})
export class InternalDispatchApiModule {}

/** The one-process app: the history and offline consumers on the in-process bus. */
@Module({ providers: [StorageConsumers, StorageSubscriptions] })
export class StorageModule {}

/** storage-worker: the history and offline consumer groups as @EventPattern handlers (RocketMQ transport). */
@Module({ controllers: [StorageEventsController], providers: [StorageConsumers] })
export class StorageEventsModule {}
