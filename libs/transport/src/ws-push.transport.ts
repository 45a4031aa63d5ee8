import { PushBatch, PushTransport } from '@app/core';
import { Logger } from '@nestjs/common';
import WebSocket from 'ws';
import { internalAuthHeader } from './internal-secret';
import { InternalPushFrame } from './internal-push.protocol';

export type NodeAddressResolver = (nodeId: string) => Promise<string | undefined>;

const CONNECT_TIMEOUT_MS = 2000;

/**
 * dispatch → push node over one long-lived, authenticated WebSocket per node (see docs/architecture.md, 'The cluster').
 * A node that cannot be reached makes `deliver` reject: the push router logs it and the inbox serves the message.
 */
export class WsPushTransport implements PushTransport {
  private readonly logger = new Logger(WsPushTransport.name);
  private readonly sockets = new Map<string, Promise<WebSocket>>();

  constructor(
    private readonly resolve: NodeAddressResolver,
    private readonly secret: string,
  ) {}

  /** Batches waiting for the end of this turn, per node: they leave together as one frame. */
  private readonly outgoing = new Map<string, { frame: InternalPushFrame; sent: Promise<void> }>();

  deliver(nodeId: string, batch: PushBatch): Promise<void> {
    const queued = this.outgoing.get(nodeId);
    if (queued) {
      queued.frame.push(batch);
      return queued.sent;
    }
    const frame: InternalPushFrame = [batch];
    // setImmediate: after every send answered in this turn's I/O callbacks has added its batch
    const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.outgoing.delete(nodeId);
      return this.send(nodeId, frame);
    });
    this.outgoing.set(nodeId, { frame, sent });
    return sent;
  }

  private async send(nodeId: string, frame: InternalPushFrame): Promise<void> {
    const socket = await this.socketFor(nodeId);
    await new Promise<void>((resolve, reject) =>
      socket.send(JSON.stringify(frame), (error) => (error ? reject(error) : resolve())),
    );
  }

  close(): void {
    for (const pending of this.sockets.values())
      void pending.then(
        (s) => s.terminate(),
        () => undefined,
      );
    this.sockets.clear();
  }

  private socketFor(nodeId: string): Promise<WebSocket> {
    let pending = this.sockets.get(nodeId);
    if (!pending) {
      pending = this.open(nodeId);
      this.sockets.set(nodeId, pending);
      pending.catch(() => this.sockets.delete(nodeId));
    }
    return pending;
  }

  private async open(nodeId: string): Promise<WebSocket> {
    const url = await this.resolve(nodeId);
    if (!url) throw new Error(`push node ${nodeId} is not registered`);
    const socket = new WebSocket(url, {
      headers: { authorization: internalAuthHeader(this.secret) },
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`push node ${nodeId} refused the internal socket: ${res.statusCode}`)),
      );
    });
    socket.on('error', (error) => this.logger.warn({ err: error, nodeId }, 'internal push socket error'));
    socket.once('close', () => {
      if (this.sockets.get(nodeId) && socket.readyState !== WebSocket.OPEN) this.sockets.delete(nodeId);
    });
    return socket;
  }
}
