import { HttpClient, SwitchboardClient } from '@switchboard/client';
import { befriend, SplitCluster } from './split-cluster';

/**
 * The policy's caches on the split: a change made through one gateway (block, unblock, unfriend, friend, remove,
 * add, dissolve) is obeyed by the other gateway on the very next request, its cache having been warmed before.
 */
describe('consent changes reach every gateway at once (split, two gateways)', () => {
  let cluster: SplitCluster;
  const error = (status: number, code: string) =>
    expect.objectContaining({ status, body: expect.objectContaining({ code }) });
  /** The same user's session, talking to the second gateway. */
  const viaSecond = (c: SwitchboardClient) => {
    const h = new HttpClient(cluster.secondGatewayUrl);
    h.token = c.session!.accessToken;
    return h;
  };
  const send = (c: SwitchboardClient, toUserId: string, body: string) => c.sendToUser(toUserId, body);

  beforeAll(async () => {
    cluster = await SplitCluster.start({ gateways: 2 });
  }, 180_000);
  afterAll(() => cluster?.stop(), 60_000);

  it('block, unblock, unfriend and friend again through gateway 2 are obeyed by gateway 1 at once', async () => {
    const [x, y] = [await cluster.user('inv'), await cluster.user('inv')];
    await befriend(x, y);
    await send(x, y.userId, 'warm the cache');
    await viaSecond(y).request('POST', `/blocks/${x.userId}`);
    await expect(send(x, y.userId, 'blocked')).rejects.toEqual(error(403, 'BLOCKED'));
    await expect(x.typing(`d:${[x.userId, y.userId].sort().join(':')}`)).rejects.toEqual(error(403, 'BLOCKED'));
    await viaSecond(y).request('DELETE', `/blocks/${x.userId}`);
    await send(x, y.userId, 'unblocked');
    await viaSecond(x).request('DELETE', `/friends/${y.userId}`);
    await expect(send(x, y.userId, 'unfriended')).rejects.toEqual(error(403, 'NOT_FRIENDS'));
    const { id } = await viaSecond(x).request<{ id: string }>('POST', '/friends/requests', { userId: y.userId });
    await viaSecond(y).request('POST', `/friends/requests/${id}/accept`);
    await send(x, y.userId, 'friends again');
  });

  it('remove, add back and dissolve through gateway 2 are obeyed by gateway 1 at once', async () => {
    const [owner, member] = [await cluster.user('invg'), await cluster.user('invg')];
    await befriend(owner, member);
    const group = await owner.createGroup('two gateways');
    await owner.invite(group.id, member.userId);
    await member.sendToGroup(group.id, 'warm the cache');
    await viaSecond(owner).request('DELETE', `/groups/${group.id}/members/${member.userId}`);
    await expect(member.sendToGroup(group.id, 'removed')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
    await viaSecond(owner).request('POST', `/groups/${group.id}/members`, { userId: member.userId });
    await member.sendToGroup(group.id, 'back');
    await viaSecond(owner).request('DELETE', `/groups/${group.id}`);
    await expect(owner.sendToGroup(group.id, 'dissolved')).rejects.toEqual(error(403, 'NOT_A_MEMBER'));
  });

  it('the typing limit (one per second per conversation) holds across both gateways', async () => {
    const [x, y] = [await cluster.user('typ'), await cluster.user('typ')];
    await befriend(x, y);
    const conversationId = `d:${[x.userId, y.userId].sort().join(':')}`;
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 204,
        (e: { status?: number }) => e.status,
      );
    // conclusive only when both requests went and came back within the one-second window: then exactly one passes,
    // whichever gateway it reached first (a per-gateway count would let both through)
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const answers = await Promise.all([
        outcome(x.typing(conversationId)),
        outcome(viaSecond(x).request('POST', `/conversations/${encodeURIComponent(conversationId)}/typing`)),
      ]);
      if (Date.now() - started < 900) {
        expect(answers.sort()).toEqual([204, 429]);
        break;
      }
      if (attempt === 10) throw new Error('no pair of typing requests answered within 900 ms in 10 tries');
      await new Promise((r) => setTimeout(r, 1100));
    }
  });
});
