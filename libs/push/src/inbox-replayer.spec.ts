import { InboxStore, newTimeOrderedId } from '@app/core';
import { EmbeddedDatabase, SqliteInboxStore } from '@app/embedded';
import { InboxService } from '@app/inbox';
import { PushMessage, WireType } from '@app/protocol';
import { InboxReplayer, REPLAY_MAX } from './inbox-replayer';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { PushSocket } from './socket-registry';

/** A socket that records what it is sent; `cutAfter` disconnects it once that many messages went out. */
function recordingSocket(userId: string, cutAfter = Infinity) {
  const sent: PushMessage[] = [];
  const socket = {
    connected: true,
    data: { user: { userId }, heldBack: null as PushMessage[] | null },
    emit: (event: string, message: PushMessage) => {
      if (event !== 'message') return;
      sent.push(message);
      if (sent.length >= cutAfter) socket.connected = false;
    },
  };
  return { socket: socket as unknown as PushSocket, sent, raw: socket };
}

/** The replay on the embedded inbox: order, paging, the REST cut-over, held-back live pushes and pacing. */
describe('InboxReplayer', () => {
  let database: EmbeddedDatabase;
  let store: InboxStore;
  let pacing: { filling: boolean; room: boolean; waits: number; onWait?: () => void };
  let replayer: InboxReplayer;

  const guard = {
    isFilling: () => pacing.filling,
    room: async () => {
      pacing.waits++;
      pacing.onWait?.();
      return pacing.room;
    },
  } as unknown as SlowConsumerGuard;

  /** `count` messages in `userId`'s inbox, seqs 1..count. */
  const fill = async (userId: string, count: number) => {
    const seqs = await store.allocate(Array<string>(count).fill(userId), Date.now() + 60_000);
    await store.append(
      seqs.map(({ seq }) => ({
        userId,
        seq,
        payload: JSON.stringify({ type: WireType.FriendMessage, messageId: `m${seq}`, senderId: 's', body: `${seq}` }),
        createdAt: Date.now(),
      })),
    );
  };
  const seqsOf = (messages: PushMessage[]) => messages.map((m) => m.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  beforeEach(() => {
    database = new EmbeddedDatabase(':memory:');
    store = new SqliteInboxStore(database, { retentionMs: 3 * 24 * 3600_000 });
    pacing = { filling: false, room: true, waits: 0 };
    replayer = new InboxReplayer(new InboxService(store), guard);
  });
  afterEach(() => database.close());

  it('replays everything after lastSeq, in order, across pages, and names the head', async () => {
    const user = `u-${newTimeOrderedId()}`;
    await fill(user, 450);
    const { socket, sent } = recordingSocket(user);
    expect(await replayer.replay(socket, 17)).toEqual({ replayed: 433, headSeq: 450 });
    expect(seqsOf(sent)).toEqual(range(18, 450));
    expect(sent[0]).toMatchObject({ messageId: 'm18', body: '18' });
  });

  it('replays nothing to a client that is up to date', async () => {
    const user = `u-${newTimeOrderedId()}`;
    await fill(user, 3);
    const { socket, sent } = recordingSocket(user);
    expect(await replayer.replay(socket, 3)).toEqual({ replayed: 0, headSeq: 3 });
    expect(sent).toEqual([]);
  });

  it('stops at REPLAY_MAX: the client learns the head and pulls the rest over REST', async () => {
    const user = `u-${newTimeOrderedId()}`;
    await fill(user, REPLAY_MAX + 150);
    const { socket, sent } = recordingSocket(user);
    const result = await replayer.replay(socket, 0);
    expect(result.headSeq).toBe(REPLAY_MAX + 150);
    expect(result.replayed).toBeGreaterThanOrEqual(REPLAY_MAX);
    expect(result.replayed).toBeLessThan(REPLAY_MAX + 150);
    expect(seqsOf(sent)).toEqual(range(1, result.replayed));
  });

  it('stops when the socket goes away mid-replay', async () => {
    const user = `u-${newTimeOrderedId()}`;
    await fill(user, 450);
    const { socket, sent } = recordingSocket(user, 250);
    const result = await replayer.replay(socket, 0);
    expect(result.replayed).toBeLessThan(450);
    expect(seqsOf(sent)).toEqual(range(1, sent.length));
  });

  it('waits for room while the socket is filling, and stops when the client reads nothing (cut)', async () => {
    const user = `u-${newTimeOrderedId()}`;
    await fill(user, 10);
    pacing.filling = true;
    const reading = recordingSocket(user);
    expect(await replayer.replay(reading.socket, 0)).toEqual({ replayed: 10, headSeq: 10 });
    expect(pacing.waits).toBe(10);

    pacing.room = false;
    const stalled = recordingSocket(user);
    expect(await replayer.replay(stalled.socket, 0)).toEqual({ replayed: 1, headSeq: 10 });
    expect(seqsOf(stalled.sent)).toEqual([1]);
  });

  it('holds live pushes back until release, then sends them in order, those arriving meanwhile included', async () => {
    const user = `u-${newTimeOrderedId()}`;
    const { socket, sent, raw } = recordingSocket(user);
    replayer.holdBack(socket);
    const live = (seq: number) => ({ type: WireType.FriendMessage, messageId: `live${seq}`, seq }) as PushMessage;
    raw.data.heldBack!.push(live(1), live(2));
    // a push arriving while the release paces itself joins the queue behind the others
    pacing.filling = true;
    pacing.onWait = () => {
      if (raw.data.heldBack && raw.data.heldBack.length < 3) raw.data.heldBack.push(live(3));
    };
    expect(await replayer.release(socket)).toBe(true);
    expect(seqsOf(sent)).toEqual([1, 2, 3]);
    expect(raw.data.heldBack).toBeNull();
  });

  it('reports a release cut short when the socket stops reading', async () => {
    const user = `u-${newTimeOrderedId()}`;
    const { socket, raw } = recordingSocket(user);
    replayer.holdBack(socket);
    raw.data.heldBack!.push({ type: WireType.FriendMessage, messageId: 'x', seq: 1 } as PushMessage);
    pacing.filling = true;
    pacing.room = false;
    expect(await replayer.release(socket)).toBe(false);
  });
});
