import { TokensModule } from '@app/accounts';
import { InboxModule } from '@app/messaging';
import { Module } from '@nestjs/common';
import { PushDeliveryService } from './push-delivery.service';
import { PushGateway } from './push.gateway';
import { SocketRegistry } from './socket-registry';

/** A push node: holds client sockets and delivers what dispatch routes to it. NodeIdentity comes from the app. */
@Module({
  imports: [TokensModule, InboxModule],
  providers: [PushGateway, SocketRegistry, PushDeliveryService],
  exports: [PushDeliveryService, SocketRegistry, PushGateway],
})
export class PushModule {}
