import { bearerToken } from '@app/core';
import { Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';

export const WS_ENTRY_PATH = '/ws';

export interface WsForwarderOptions {
  /** Verifies the access token and returns the push node it names. */
  nodeOfToken(token: string): Promise<string>;
  /** The node's public socket.io URL, or undefined when it is not alive. */
  urlOfNode(nodeId: string): Promise<string | undefined>;
}

/**
 * The gateway's `/ws` entry (see docs/architecture.md, 'The cluster'): a client that only knows the gateway connects to
 * `/ws?token=…` and the request (WebSocket upgrade, or socket.io polling) is forwarded to the push node its token
 * names, as `/socket.io`.
 */
export class WsForwarder {
  private readonly logger = new Logger(WsForwarder.name);
  private readonly proxy = httpProxy.createProxyServer({ ws: true, xfwd: true, proxyTimeout: 0 });

  constructor(private readonly options: WsForwarderOptions) {
    this.proxy.on('error', (error, _req, target) => {
      this.logger.warn({ err: error }, 'forwarding to the push node failed');
      if (target && 'writeHead' in target && !(target as ServerResponse).headersSent) {
        reply(target as ServerResponse, 502, 'NODE_UNREACHABLE', 'the push node did not answer; log in again');
      } else (target as Duplex | undefined)?.destroy?.();
    });
  }

  /** Routes `/ws` upgrades; other upgrades (the gateway's own) are left alone. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!isEntryPath(req.url)) return;
      void this.target(req).then(
        (target) => this.proxy.ws(req, socket, head, { target }),
        (error: Error & { status?: number }) => {
          socket.end(
            `HTTP/1.1 ${error.status ?? 401} Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ code: 'TOKEN_INVALID', message: error.message })}`,
          );
        },
      );
    });
  }

  /** Node-style handler for socket.io's long-polling through `/ws`, given the request before anything read its body. */
  handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    void this.target(req).then(
      (target) => this.proxy.web(req, res, { target }),
      (error: Error & { status?: number }) => reply(res, error.status ?? 401, 'TOKEN_INVALID', error.message),
    );
  };

  close(): void {
    this.proxy.close();
  }

  private async target(req: IncomingMessage): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const token = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    if (!token)
      throw Object.assign(new Error('pass the access token as ?token= (or an Authorization header)'), { status: 401 });
    const nodeId = await this.options.nodeOfToken(token);
    const target = await this.options.urlOfNode(nodeId);
    if (!target)
      throw Object.assign(new Error(`push node ${nodeId} is gone; log in again to get a live node`), { status: 409 });
    // /ws/… → /socket.io/… on the node
    req.url = `/socket.io${url.pathname.replace(/^\/ws/, '') || '/'}${url.search}`;
    return target;
  }
}

function isEntryPath(url: string | undefined): boolean {
  return !!url && (url === WS_ENTRY_PATH || url.startsWith(`${WS_ENTRY_PATH}/`) || url.startsWith(`${WS_ENTRY_PATH}?`));
}

function reply(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ statusCode: status, code, message }));
}
