import { SwitchboardConfig } from '@app/config';
import { DependencyUnavailableError, DispatchCommand, MessageBus, MessageEnvelope, systemClock } from '@app/core';
import { EmbeddedDatabase, SqliteInboxStore, SqliteSendDedupStore } from '@app/embedded';
import { WireType } from '@app/protocol';
import { freePort } from '@app/testing';
import { INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MessageDispatchService } from '../dispatch/message-dispatch.service';
import { PushRouter } from '../dispatch/push-router';
import { RpcDispatcher } from './internal-dispatch.client';
import { InternalDispatchController } from './internal-dispatch.controller';

const SECRET = 's'.repeat(40);

/**
 * The internal dispatch API end to end over a real TCP connection: the gateway's RpcDispatcher against dispatch's
 * @MessagePattern handler, on a real MessageDispatchService over the embedded stores. The bus is ours to control
 * (record, hang): the point is the transport's answers, not the broker.
 */
describe('internal dispatch over the TCP transport', () => {
  let database: EmbeddedDatabase;
  let app: INestMicroservice;
  let url: string;
  let published: MessageEnvelope[];
  let publish: (e: MessageEnvelope) => Promise<void>;
  const clients: RpcDispatcher[] = [];

  const client = (options: { secret?: string; timeoutMs?: number; to?: string } = {}) => {
    const c = new RpcDispatcher({
      url: options.to ?? url,
      secret: options.secret ?? SECRET,
      timeoutMs: options.timeoutMs ?? 5000,
    });
    clients.push(c);
    return c;
  };
  const send = (clientMsgId: string, senderId = 'alice'): DispatchCommand => ({
    type: WireType.FriendMessage,
    senderId,
    recipientIds: ['bob', senderId],
    conversationId: `d:${senderId}:bob`,
    receiverId: 'bob',
    body: 'hello',
    clientMsgId,
    storeInHistory: true,
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = new EmbeddedDatabase(':memory:');
    const config = { PUBLISH_TIMEOUT_MS: 1000, SEND_DEDUP_TTL_HOURS: 24, INTERNAL_SECRET: SECRET };
    const bus = { publish: (e: MessageEnvelope) => publish(e), subscribe: jest.fn(), ping: jest.fn() };
    const service = new MessageDispatchService(
      config as unknown as SwitchboardConfig,
      new SqliteInboxStore(database, { retentionMs: 3 * 24 * 3600_000 }),
      bus as unknown as MessageBus,
      new SqliteSendDedupStore(database),
      systemClock,
      { lookup: async () => new Map(), push: async () => undefined } as unknown as PushRouter,
    );
    @Module({
      controllers: [InternalDispatchController],
      providers: [
        { provide: MessageDispatchService, useValue: service },
        { provide: SwitchboardConfig, useValue: config },
      ],
    })
    class DispatchTestModule {}
    const port = await freePort();
    url = `tcp://127.0.0.1:${port}`;
    app = await NestFactory.createMicroservice<MicroserviceOptions>(DispatchTestModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await app.listen();
  });
  beforeEach(() => {
    published = [];
    publish = async (e) => void published.push(e);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app.close();
    database.close();
  });

  it('answers each send of a turn with its own result, all in one request', async () => {
    const dispatcher = client();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => dispatcher.dispatch(send(`turn-${i}`))));
    expect(new Set(results.map((r) => r.messageId)).size).toBe(20);
    expect(results.map((r) => r.senderSeq!).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(published.map((e) => e.message.messageId).sort()).toEqual(results.map((r) => r.messageId).sort());
  });

  it('keeps a refusal’s code, and does not fail the other sends of its request', async () => {
    const dispatcher = client();
    let release!: () => void;
    publish = (e) => new Promise((resolve) => (release = () => resolve(void published.push(e))));
    const first = dispatcher.dispatch(send('dup', 'carol'));
    await new Promise((r) => setTimeout(r, 100));
    const [again, other] = await Promise.allSettled([
      dispatcher.dispatch(send('dup', 'carol')),
      (async () => {
        publish = async (e) => void published.push(e);
        return dispatcher.dispatch(send('other', 'dave'));
      })(),
    ]);
    release();
    await first;
    expect(again).toMatchObject({ status: 'rejected', reason: { code: 'SEND_IN_PROGRESS' } });
    expect(again.status === 'rejected' && again.reason).not.toBeInstanceOf(DependencyUnavailableError);
    expect(other.status).toBe('fulfilled');
  });

  it('refuses a malformed command alone: the other sends of its turn are answered', async () => {
    const dispatcher = client();
    const malformed = { ...send('malformed', 'frank'), recipientIds: 'bob' } as unknown as DispatchCommand;
    const [bad, good] = await Promise.allSettled([
      dispatcher.dispatch(malformed),
      dispatcher.dispatch(send('well-formed', 'frank')),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'VALIDATION_FAILED' } });
    expect(good).toMatchObject({ status: 'fulfilled', value: { senderSeq: expect.any(Number) } });
  });

  it('is a 503, never an answer, when dispatch is slower than the deadline', async () => {
    publish = () => new Promise(() => undefined);
    await expect(client({ timeoutMs: 300 }).dispatch(send('slow', 'erin'))).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('is a 503 when dispatch is down, or refuses the caller’s secret', async () => {
    const down = `tcp://127.0.0.1:${await freePort()}`;
    await expect(client({ to: down }).dispatch(send('down'))).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(client({ to: down }).ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(client({ secret: 'x'.repeat(40) }).dispatch(send('secret'))).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    await expect(client().ping()).resolves.toBeUndefined();
  });
});
