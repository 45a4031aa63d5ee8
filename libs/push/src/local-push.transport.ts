import { PushBatch, PushTransport } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { NodeIdentity } from './node-identity';
import { PushDeliveryService } from './push-delivery.service';

/** The one-process server's transport: dispatch and the push node share the process. */
@Injectable()
export class LocalPushTransport implements PushTransport {
  private readonly logger = new Logger(LocalPushTransport.name);

  constructor(
    private readonly identity: NodeIdentity,
    private readonly delivery: PushDeliveryService,
  ) {}

  async deliver(nodeId: string, batch: PushBatch): Promise<void> {
    if (nodeId !== this.identity.id) {
      this.logger.warn({ nodeId }, 'route names another node; a one-process server has only itself');
      return;
    }
    this.delivery.deliver(batch);
  }
}
