import { Module } from '@nestjs/common';
import { LocalMessageDispatcher } from './dispatch/local-message-dispatcher';
import { MessageDispatchService } from './dispatch/message-dispatch.service';
import { PushRouter } from './dispatch/push-router';
import { InternalDispatchController } from './internal/internal-dispatch.controller';

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
