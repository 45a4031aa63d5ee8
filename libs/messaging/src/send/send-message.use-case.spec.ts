import { DispatchCommand, Dispatcher, dispatchResultOf, DomainError, ErrorCode } from '@app/core';
import { WireType } from '@app/protocol';
import type { AccessPolicy } from '@app/social';
import { SendMessageUseCase } from './send-message.use-case';

/** The use case's own logic: what it asks the policy, and the dispatch command and answer it builds from that. */
describe('SendMessageUseCase', () => {
  let commands: DispatchCommand[];
  let asked: string[];
  const dispatcher: Dispatcher = {
    dispatch: async (command: DispatchCommand) => {
      commands.push(command);
      // each recipient's seq is 10 + its place in the list: the answer names the sender's
      const seqs = command.recipientIds.map((userId, i) => ({ userId, seq: 10 + i }));
      return dispatchResultOf(
        { messageId: 'm-1', createdAt: '2026-12-02T00:00:00.000Z', senderId: command.senderId },
        seqs,
      );
    },
  } as Dispatcher;
  /** a and b are friends; c blocks a; group g has a, b and c, and c blocks a (so c is left out of a's sends). */
  const policy = {
    sendDirect: async (senderId: string, toUserId: string) => {
      asked.push(`direct ${senderId}>${toUserId}`);
      if (toUserId === 'c') throw new DomainError(ErrorCode.Blocked, 'blocked');
      if ([senderId, toUserId].sort().join() !== 'a,b') throw new DomainError(ErrorCode.NotFriends, 'not friends');
    },
    sendToGroup: async (senderId: string, groupId: string) => {
      asked.push(`group ${senderId}>${groupId}`);
      if (groupId !== 'g') throw new DomainError(ErrorCode.GroupNotFound, 'no such group');
      return { memberIds: ['a', 'b', 'c'], recipientIds: ['a', 'b'] };
    },
  } as unknown as AccessPolicy;
  const useCase = new SendMessageUseCase(policy, dispatcher);

  beforeEach(() => {
    commands = [];
    asked = [];
  });

  it('sends 1:1 to the friend and to the sender’s own inbox, answering with the sender’s seq', async () => {
    const answer = await useCase.execute({ senderId: 'a', toUserId: 'b', body: 'hi', clientMsgId: 'c1' });
    expect(asked).toEqual(['direct a>b']);
    expect(commands).toEqual([
      {
        type: WireType.FriendMessage,
        senderId: 'a',
        recipientIds: ['b', 'a'],
        conversationId: 'd:a:b',
        receiverId: 'b',
        body: 'hi',
        clientMsgId: 'c1',
        storeInHistory: true,
      },
    ]);
    expect(answer).toEqual({
      messageId: 'm-1',
      seq: 11,
      conversationId: 'd:a:b',
      createdAt: '2026-12-02T00:00:00.000Z',
    });
  });

  it('names the conversation the same whichever end sends', async () => {
    await useCase.execute({ senderId: 'b', toUserId: 'a', body: 'hi', clientMsgId: 'c2' });
    expect(commands[0].conversationId).toBe('d:a:b');
  });

  it('dispatches nothing when the policy refuses', async () => {
    await expect(
      useCase.execute({ senderId: 'a', toUserId: 'c', body: 'hi', clientMsgId: 'c3' }),
    ).rejects.toMatchObject({ code: ErrorCode.Blocked });
    expect(commands).toEqual([]);
  });

  it('sends to the group members the policy names (not every member), as one group message', async () => {
    const answer = await useCase.execute({ senderId: 'a', toGroupId: 'g', body: 'all', clientMsgId: 'c4' });
    expect(asked).toEqual(['group a>g']);
    expect(commands).toEqual([
      expect.objectContaining({
        type: WireType.GroupMessage,
        senderId: 'a',
        recipientIds: ['a', 'b'],
        conversationId: 'g:g',
        groupId: 'g',
        body: 'all',
        clientMsgId: 'c4',
        storeInHistory: true,
      }),
    ]);
    expect(commands[0]).not.toHaveProperty('receiverId');
    expect(answer).toMatchObject({ seq: 10, conversationId: 'g:g' });
  });

  it('refuses a group the policy does not know, dispatching nothing', async () => {
    await expect(
      useCase.execute({ senderId: 'a', toGroupId: 'x', body: 'hi', clientMsgId: 'c5' }),
    ).rejects.toMatchObject({ code: ErrorCode.GroupNotFound });
    expect(commands).toEqual([]);
  });
});
