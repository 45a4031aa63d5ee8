import { Module } from '@nestjs/common';
import { InboxService } from './inbox.service';

/** Inbox access (the REST pull, and a push node's replay and acks): needs only the inbox store. */
@Module({ providers: [InboxService], exports: [InboxService] })
export class InboxModule {}
