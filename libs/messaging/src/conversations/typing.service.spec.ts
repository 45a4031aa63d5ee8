import { ErrorCode, PushBroadcaster } from '@app/core';
import type { AccessPolicy } from '@app/social';
import { WireType } from '@app/protocol';
import { TypingService } from './typing.service';

describe('TypingService', () => {
  let now = 1_000_000;
  const clock = { now: () => now };
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
  const service = new TypingService(policy, broadcaster, clock);

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

  it('allows one indicator per second per user and conversation', async () => {
    now += 10_000;
    await service.typing('a', 'g:team');
    now += 999;
    await expect(service.typing('a', 'g:team')).rejects.toMatchObject({ code: ErrorCode.RateLimited });
    // other users and other conversations have their own budget
    await service.typing('c', 'g:team');
    await service.typing('a', 'd:a:b');
    now += 1;
    await service.typing('a', 'g:team');
    expect(typing).toHaveBeenCalledTimes(4);
  });

  it('refuses non-participants before counting anything', async () => {
    await expect(service.typing('z', 'd:a:b')).rejects.toMatchObject({ code: ErrorCode.ConversationNotFound });
    expect(typing).not.toHaveBeenCalled();
  });
});
