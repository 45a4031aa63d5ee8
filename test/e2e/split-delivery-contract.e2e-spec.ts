import { directConversationId, PushMessage, WireType } from '@app/protocol';
import { SwitchboardApiError, SwitchboardClient } from '@switchboard/client';
import { waitFor } from '@app/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { befriend, SplitCluster, TestUser } from './split-cluster';

/**
 * The delivery contract (see docs/architecture.md, 'The delivery contract') while processes die mid-stream: senders
 * stream messages, retrying a refused send with the same clientMsgId as a client would, while the storage-worker,
 * message-dispatch and a push node are SIGKILLed and started again. Every message answered 201 must reach its recipient
 * once, in the order it was accepted, and be in history once.
 */
describe('the delivery contract while processes die mid-stream', () => {
  const PAIRS = 4;
  let cluster: SplitCluster;

  beforeAll(async () => {
    cluster = await SplitCluster.start({ env: { PUBLISH_TIMEOUT_MS: '2000' } });
  }, 180_000);
  afterAll(() => cluster?.stop(), 60_000);

  /** What the recipient's screen shows: friend messages, in the order the SDK hands them over. */
  class Screen {
    readonly shown: string[] = [];
    /** seq and messageId of each, to tell a redelivery (same id) from a second message (a new id) if one shows twice */
    readonly detail: string[] = [];
    constructor(private device: TestUser) {
      this.watch(device);
    }

    get client(): TestUser {
      return this.device;
    }

    /** The node died: log in again (landing on a live node) and resume after what this device holds. */
    async moveOff(deadNode: string): Promise<void> {
      this.device = await cluster.moveOff(this.device, deadNode);
      this.watch(this.device);
      await this.device.connect();
    }

    private watch(client: TestUser): void {
      client.on('message', (m: PushMessage) => {
        if (m.type !== WireType.FriendMessage) return;
        this.shown.push(m.body!);
        this.detail.push(`${m.body} seq ${m.seq} id ${m.messageId} shown at ${Date.now() - t0} ms`);
      });
    }
  }

  let refused = 0;
  // what happened when, printed if the contract is broken
  const t0 = Date.now();
  const events: string[] = [];
  const mark = (what: string) => events.push(`${Date.now() - t0} ms: ${what}`);

  /** Sends until stopped; a refused send is retried with the same clientMsgId until it is accepted. */
  async function stream(sender: SwitchboardClient, to: string, tag: string, stop: () => boolean): Promise<string[]> {
    const accepted: string[] = [];
    for (let k = 0; !stop(); k++) {
      const body = `${tag}-${k}`;
      const until = Date.now() + 60_000;
      for (;;) {
        try {
          await sender.sendToUser(to, body, body);
          accepted.push(body);
          break;
        } catch (error) {
          // 503 (an app or engine is down), 409 SEND_IN_PROGRESS (the first try's claim), or the gateway unreachable
          const retryable = !(error instanceof SwitchboardApiError) || error.status === 503 || error.status === 409;
          if (!retryable || Date.now() > until) throw error;
          refused++;
          mark(`${body} refused: ${error instanceof SwitchboardApiError ? error.body.code : String(error)}`);
          await sleep(200);
        }
      }
      await sleep(100);
    }
    return accepted;
  }

  it('loses nothing, shows nothing twice and keeps the order while storage-worker, dispatch and a push node die', async () => {
    const [nodeA, nodeB] = cluster.nodeIds;
    const pairs: { sender: TestUser; screen: Screen }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const sender = await cluster.user('contract');
      const recipient = await cluster.userOn(i % 2 === 0 ? nodeA : nodeB, 'contract');
      await befriend(sender, recipient);
      await recipient.connect();
      pairs.push({ sender, screen: new Screen(recipient) });
    }

    let stopped = false;
    const streams = pairs.map((p, i) => stream(p.sender, p.screen.client.userId, `p${i}`, () => stopped));

    await sleep(2000);
    mark('storage-worker killed');
    await cluster.stopApp('storage-worker', 'SIGKILL');
    await sleep(3000);
    await cluster.startApp('storage-worker');
    await sleep(2000);
    mark('dispatch killed');
    await cluster.stopApp('message-dispatch', 'SIGKILL');
    await sleep(2000);
    await cluster.startApp('message-dispatch');
    mark('dispatch back');
    await sleep(2000);
    mark('node killed');
    await cluster.stopApp('netty-node-2', 'SIGKILL');
    await Promise.all(pairs.filter((_, i) => i % 2 === 1).map((p) => p.screen.moveOff(nodeB)));
    await sleep(3000);
    stopped = true;
    const accepted = await Promise.all(streams);
    // How many sends the kills refused depends on timing alone (a CI run once saw none), so it goes in the timeline
    // printed on a failure rather than into an assertion; the contract below is what this test proves.
    mark(`${refused} sends refused and retried in all`);

    for (const [i, { screen }] of pairs.entries()) {
      expect(accepted[i].length).toBeGreaterThan(10);
      await waitFor(() => screen.shown.length >= accepted[i].length, 60_000, `pair ${i} receives everything`);
      await sleep(500); // anything extra (a duplicate) would arrive now
      const twice = screen.detail.filter((d) => screen.shown.filter((b) => b === d.split(' ')[0]).length > 1);
      try {
        expect({ pair: i, shown: screen.shown, twice }).toEqual({ pair: i, shown: accepted[i], twice: [] });
      } catch (error) {
        (error as Error).message += `\n\ntimeline:\n${events.join('\n')}`;
        throw error;
      }
    }
    // history holds each accepted message once, in order (newest first)
    for (const [i, { sender, screen }] of pairs.entries()) {
      const conversationId = directConversationId(sender.userId, screen.client.userId);
      const history = async () => {
        const bodies: string[] = [];
        for (let before: string | undefined, first = true; first || before; first = false) {
          const page = await sender.history(conversationId, { before, limit: 100 });
          bodies.push(...page.items.map((m) => m.body!));
          before = page.nextBefore;
        }
        return bodies;
      };
      const expected = [...accepted[i]].reverse();
      await waitFor(async () => (await history()).length >= expected.length, 60_000, `pair ${i} history indexed`);
      expect({ pair: i, history: await history() }).toEqual({ pair: i, history: expected });
    }
    await cluster.startApp('netty-node-2');
  }, 240_000);
});
