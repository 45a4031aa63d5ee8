import { BusSubscription, ConsumerGroup, EnvelopeHandler, MessageBus, MessageEnvelope } from '@app/core';

/**
 * The one-process bus: publish runs every group's handler and resolves only when all have stored the message, so an
 * acknowledged send is already in the inbox and history. A handler failure fails the publish (the send is refused).
 */
export class InProcessMessageBus implements MessageBus {
  private readonly handlers = new Map<ConsumerGroup, EnvelopeHandler>();

  async publish(envelope: MessageEnvelope): Promise<void> {
    // The offline inbox first: it decides delivery; history is secondary.
    const order = [ConsumerGroup.Offline, ConsumerGroup.History];
    for (const group of order) {
      const outcome = await this.handlers.get(group)?.([envelope]);
      if (outcome?.failed.length) throw new Error(`consumer group ${group} could not store the message`);
    }
  }

  async subscribe(group: ConsumerGroup, handler: EnvelopeHandler): Promise<BusSubscription> {
    if (this.handlers.has(group)) throw new Error(`consumer group ${group} already subscribed`);
    this.handlers.set(group, handler);
    return { close: async () => void this.handlers.delete(group) };
  }

  async ping(): Promise<void> {}
}
