import type { ClientToServerEvents, PushMessage, ServerToClientEvents } from '@app/protocol';
import type { AuthenticatedUser } from '@app/tokens';
import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';

export interface PushSocketData {
  user: AuthenticatedUser;
  /** While the inbox is replayed, live pushes wait here so they cannot overtake the replay. */
  heldBack: PushMessage[] | null;
  /** The highest seq not held back because the list was full: `connected` names it, so the client pulls the rest. */
  heldBackBeyond?: number;
}

export type PushSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PushSocketData>;

const EMPTY: ReadonlySet<PushSocket> = new Set();

/** The sockets this node holds, by user: targeted delivery without a room lookup per message. */
@Injectable()
export class SocketRegistry {
  private readonly byUser = new Map<string, Set<PushSocket>>();
  private count = 0;

  add(socket: PushSocket): void {
    const userId = socket.data.user.userId;
    let sockets = this.byUser.get(userId);
    if (!sockets) this.byUser.set(userId, (sockets = new Set()));
    if (!sockets.has(socket)) this.count++;
    sockets.add(socket);
  }

  remove(socket: PushSocket): boolean {
    const userId = socket.data.user?.userId;
    const sockets = userId ? this.byUser.get(userId) : undefined;
    if (!sockets?.delete(socket)) return false;
    this.count--;
    if (sockets.size === 0) this.byUser.delete(userId);
    return true;
  }

  socketsOf(userId: string): ReadonlySet<PushSocket> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  *all(): Iterable<PushSocket> {
    for (const sockets of this.byUser.values()) yield* sockets;
  }

  get size(): number {
    return this.count;
  }
}
