import { InboxService } from '@app/inbox';
import { PushMessage } from '@app/protocol';
import { Injectable } from '@nestjs/common';
import { SlowConsumerGuard } from './slow-consumer.guard';
import { PushSocket } from './socket-registry';

const REPLAY_PAGE = 200;
/** A client further behind than this pulls the rest over REST (GET /inbox) instead of holding up the connection. */
export const REPLAY_MAX = 5000;
/** A replaying client that reads nothing for this long is cut as a slow consumer. */
const REPLAY_DRAIN_MS = 20_000;

/**
 * What a connecting client missed: its inbox after `lastSeq`, then the live pushes held back meanwhile (so that
 * nothing live overtakes the replay), all paced by the client's reading.
 */
@Injectable()
export class InboxReplayer {
  constructor(
    private readonly inbox: InboxService,
    private readonly slowConsumers: SlowConsumerGuard,
  ) {}

  /** Live pushes for this socket wait from now until `release`. */
  holdBack(socket: PushSocket): void {
    socket.data.heldBack = [];
  }

  async replay(socket: PushSocket, lastSeq: number): Promise<{ replayed: number; headSeq: number }> {
    let after = lastSeq;
    let replayed = 0;
    for (;;) {
      const page = await this.inbox.read(socket.data.user.userId, after, REPLAY_PAGE);
      for (const message of page.entries) {
        replayed++;
        if (!(await this.emitPaced(socket, message))) return { replayed, headSeq: page.headSeq };
      }
      if (page.entries.length) after = page.entries[page.entries.length - 1].seq;
      if (!page.hasMore || replayed >= REPLAY_MAX || !socket.connected) return { replayed, headSeq: page.headSeq };
    }
  }

  /** Sends what was held back, then lets live pushes through. False if the socket went away or was cut meanwhile. */
  async release(socket: PushSocket): Promise<boolean> {
    const held = socket.data.heldBack ?? [];
    for (let i = 0; i < held.length; i++) if (!(await this.emitPaced(socket, held[i]))) return false;
    socket.data.heldBack = null;
    return true;
  }

  /**
   * Paced by the client's reading, so that a long backlog is neither mistaken for a slow consumer nor held in memory
   * here. False when the socket is gone or read nothing for REPLAY_DRAIN_MS (then cut).
   */
  private async emitPaced(socket: PushSocket, message: PushMessage): Promise<boolean> {
    socket.emit('message', message);
    if (!this.slowConsumers.isFilling(socket)) return true;
    return this.slowConsumers.room(socket, REPLAY_DRAIN_MS);
  }
}
