import { TokensModule } from '@app/tokens';
import { InboxModule } from '@app/inbox';
import { Module } from '@nestjs/common';
import { AckCoalescer } from './ack-coalescer';
import { ConnectionLimits } from './connection-limits';
import { HandshakeVerifier } from './handshake-verifier';
import { InboxReplayer } from './inbox-replayer';
import { PushDeliveryService } from './push-delivery.service';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { SocketEventLimiter } from './socket-event-limiter';
import { PushGateway } from './push.gateway';
import { RoutePresence } from './route-presence';
import { SocketRegistry } from './socket-registry';

/** A push node: holds client sockets and delivers what dispatch routes to it. NodeIdentity comes from the app. */
@Module({
  imports: [TokensModule, InboxModule],
  providers: [
    PushGateway,
    SocketRegistry,
    PushDeliveryService,
    SlowConsumerGuard,
    ConnectionLimits,
    SocketEventLimiter,
    AckCoalescer,
    HandshakeVerifier,
    InboxReplayer,
    RoutePresence,
  ],
  exports: [PushDeliveryService, SocketRegistry, PushGateway, RoutePresence],
})
export class PushModule {}
