import { SwitchboardConfig } from '@app/config';
import { metrics } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { PushSocket, SocketRegistry } from './socket-registry';

/**
 * Caps on live sockets per client address and per user on this node (a user's sockets all land on the node its token
 * names, so per node is per user). The address is counted from the handshake until the socket closes.
 */
@Injectable()
export class ConnectionLimits {
  private readonly byAddress = new Map<string, number>();
  private readonly counted = new WeakSet<PushSocket>();

  constructor(
    private readonly config: SwitchboardConfig,
    private readonly registry: SocketRegistry,
  ) {}

  /** Counts the socket's address; false when that address already holds the maximum (the socket is not counted). */
  openFromAddress(socket: PushSocket): boolean {
    const address = socket.handshake.address;
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.config.PUSH_MAX_CONNECTIONS_PER_ADDRESS) {
      metrics.connectionsRefused.inc({ cap: 'address' });
      return false;
    }
    this.byAddress.set(address, count + 1);
    this.counted.add(socket);
    return true;
  }

  /** False when the socket's (authenticated) user already holds the maximum of live sockets on this node. */
  allowUser(socket: PushSocket): boolean {
    if (this.registry.socketsOf(socket.data.user.userId).size < this.config.PUSH_MAX_CONNECTIONS_PER_USER) return true;
    metrics.connectionsRefused.inc({ cap: 'user' });
    return false;
  }

  closed(socket: PushSocket): void {
    if (!this.counted.delete(socket)) return;
    const address = socket.handshake.address;
    const count = (this.byAddress.get(address) ?? 1) - 1;
    if (count > 0) this.byAddress.set(address, count);
    else this.byAddress.delete(address);
  }
}
