import { PushBatch, SharedSecret } from '@app/core';
import { Logger } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { isInternalPushFrame } from './internal-push.protocol';

/** The push node's end of the internal WebSocket: only dispatch (holding the internal secret) may connect. */
export class InternalPushServer {
  private readonly logger = new Logger(InternalPushServer.name);
  private server?: WebSocketServer;

  constructor(
    private readonly options: { port: number; host: string; secret: string },
    private readonly onBatch: (batch: PushBatch) => void,
  ) {}

  async listen(): Promise<number> {
    const secret = new SharedSecret(this.options.secret);
    const server = new WebSocketServer({
      port: this.options.port,
      host: this.options.host,
      maxPayload: 64 * 1024 * 1024,
      verifyClient: (info: { req: IncomingMessage }) => secret.matchesBearer(info.req.headers.authorization),
    });
    this.server = server;
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        try {
          const frame: unknown = JSON.parse(data.toString());
          if (isInternalPushFrame(frame)) frame.forEach((batch) => this.onBatch(batch));
          else this.logger.warn('internal push frame of an unknown shape dropped');
        } catch (error) {
          this.logger.warn({ err: error }, 'bad internal push frame dropped');
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return (server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
