import { SwitchboardConfig } from '@app/config';
import { DispatchCommand, Dispatcher, DomainError, ErrorCode, HistoryRecord } from '@app/core';
import { EmbeddedDatabase, SqliteHistoryStore } from '@app/embedded';
import { WireType } from '@app/protocol';
import type { AccessPolicy } from '@app/social';
import { RecallMessageUseCase } from './recall-message.use-case';

/** Recall on the embedded history store, with a clock the test moves: the window, idempotence, and what is sent. */
describe('RecallMessageUseCase', () => {
  const WINDOW_S = 120;
  const config = { RECALL_WINDOW_SECONDS: WINDOW_S } as SwitchboardConfig;
  const sentAt = Date.parse('2026-12-02T10:00:00.000Z');
  let database: EmbeddedDatabase;
  let history: SqliteHistoryStore;
  let commands: DispatchCommand[];
  let now: number;
  let useCase: RecallMessageUseCase;

  const dispatcher = {
    dispatch: async (command: DispatchCommand) => {
      commands.push(command);
      return { messageId: 'r-1', createdAt: new Date(now).toISOString() };
    },
  } as Dispatcher;
  /** Only the sender may recall; the participants who consent to the sender get the 208, the sender too. */
  const policy = {
    recall: async (userId: string, record: HistoryRecord) => {
      if (record.senderId !== userId) throw new DomainError(ErrorCode.Forbidden, 'only the sender');
      return [...record.participants.filter((p) => p !== userId), userId];
    },
  } as unknown as AccessPolicy;
  const direct: HistoryRecord = {
    messageId: 'm-1',
    type: WireType.FriendMessage,
    conversationId: 'd:a:b',
    senderId: 'a',
    receiverId: 'b',
    participants: ['a', 'b'],
    body: 'take this back',
    createdAt: sentAt,
  };

  beforeEach(async () => {
    database = new EmbeddedDatabase(':memory:');
    history = new SqliteHistoryStore(database);
    await history.index([direct]);
    commands = [];
    now = sentAt + 1000;
    useCase = new RecallMessageUseCase(history, dispatcher, { now: () => now }, policy, config);
  });
  afterEach(() => database.close());

  it('blanks the history entry, then sends a 208 to both ends through dispatch', async () => {
    const answer = await useCase.execute('a', 'm-1');
    expect(answer).toEqual({ messageId: 'm-1', conversationId: 'd:a:b', recalled: true });
    expect(await history.find('m-1')).toMatchObject({ recalled: true, body: '' });
    expect(commands).toEqual([
      {
        type: WireType.MessageRecalled,
        senderId: 'a',
        recipientIds: ['b', 'a'],
        conversationId: 'd:a:b',
        receiverId: 'b',
        data: { messageId: 'm-1', conversationId: 'd:a:b' },
        storeInHistory: false,
      },
    ]);
  });

  it('answers the same and sends the 208 again when recalled twice within the window', async () => {
    await useCase.execute('a', 'm-1');
    now += 1000;
    await expect(useCase.execute('a', 'm-1')).resolves.toMatchObject({ recalled: true });
    expect(commands).toHaveLength(2);
  });

  it('refuses after the window, unless it was already recalled (then it answers, sending nothing)', async () => {
    now = sentAt + WINDOW_S * 1000 + 1;
    await expect(useCase.execute('a', 'm-1')).rejects.toMatchObject({ code: ErrorCode.RecallWindowPassed });
    expect(await history.find('m-1')).toMatchObject({ body: 'take this back' });

    now = sentAt + 1000;
    await useCase.execute('a', 'm-1');
    now = sentAt + WINDOW_S * 1000 + 1;
    await expect(useCase.execute('a', 'm-1')).resolves.toMatchObject({ recalled: true });
    expect(commands).toHaveLength(1);
  });

  it('refuses anyone but the sender, leaving history and everyone else untouched', async () => {
    await expect(useCase.execute('b', 'm-1')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect(await history.find('m-1')).toMatchObject({ body: 'take this back' });
    expect(commands).toEqual([]);
  });

  it('does not find a message that is unknown, or whose send was voided (discarded from history)', async () => {
    await expect(useCase.execute('a', 'nope')).rejects.toMatchObject({ code: ErrorCode.MessageNotFound });
    await history.discard(['m-1']);
    await expect(useCase.execute('a', 'm-1')).rejects.toMatchObject({ code: ErrorCode.MessageNotFound });
    expect(commands).toEqual([]);
  });
});
