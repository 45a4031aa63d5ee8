import { ErrorCode, PushBroadcaster } from '@app/core';
import type { AccessPolicy } from '@app/social';
import { WireType } from '@app/protocol';
import { TypingService } from './typing.service';

describe('TypingService', () => {
  const typing = jest.fn<Promise<void>, Parameters<PushBroadcaster['typing']>>(async () => undefined);
  const broadcaster = { typing } as unknown as PushBroadcaster;
  const policy = {
    signal: jest.fn(async (userId: string, conversationId: string) => {
      if (conversationId === 'g:team') {
        const userIds = ['a', 'b', 'c'];
        return { conversationId, userIds, groupId: 'team', recipientIds: userIds.filter((id) => id !== userId) };
      }
      if (conversationId === 'd:a:b' && ['a', 'b'].includes(userId))
        return { conversationId, userIds: ['a', 'b'], recipientIds: ['a', 'b'].filter((id) => id !== userId) };
      throw Object.assign(new Error('not found'), { code: ErrorCode.ConversationNotFound });
    }),
  } as unknown as AccessPolicy;
  const service = new TypingService(policy, broadcaster);

  beforeEach(() => typing.mockClear());

  it('pushes to the other participants only', async () => {
    await service.typing('a', 'd:a:b');
    expect(typing).toHaveBeenCalledWith(['b'], { type: WireType.Typing, conversationId: 'd:a:b', userId: 'a' });
    await service.typing('b', 'g:team');
    expect(typing).toHaveBeenLastCalledWith(['a', 'c'], {
      type: WireType.Typing,
      conversationId: 'g:team',
      userId: 'b',
      groupId: 'team',
    });
  });

  it('refuses non-participants, pushing nothing', async () => {
    await expect(service.typing('z', 'd:a:b')).rejects.toMatchObject({ code: ErrorCode.ConversationNotFound });
    expect(typing).not.toHaveBeenCalled();
  });
});
