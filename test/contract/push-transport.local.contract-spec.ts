import { PushBatch } from '@app/core';
import { LocalPushTransport, NodeIdentity, PushDeliveryService } from '@app/push';
import { Logger } from '@nestjs/common';
import { pushTransportContract } from './suites/push-transport.contract';

/**
 * The one-process server: dispatch hands the batch to the push delivery of its own process. The delivery here records
 * what it is given (the sockets it would write to are the push delivery's business, not the transport's).
 */
describe('PushTransport — local (one process)', () => {
  beforeAll(() => Logger.overrideLogger(['error'])); // a batch for another node is expected to warn

  pushTransportContract({
    create: async (onBatch) => {
      const identity = new NodeIdentity('standalone', 'http://localhost:3000');
      const delivery = { deliver: (batch: PushBatch) => onBatch(batch) } as unknown as PushDeliveryService;
      return { transport: new LocalPushTransport(identity, delivery), nodeId: identity.id };
    },
    unknownNode: 'resolves',
    close: async () => undefined,
  });
});
