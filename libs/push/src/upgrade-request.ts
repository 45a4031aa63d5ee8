import type { IncomingMessage } from 'node:http';
import type { Socket } from 'socket.io';

/** The upgrade's response, kept on the request by `keepUpgradeResponse` until the socket is admitted. */
const UPGRADE_RESPONSE = Symbol('upgradeResponse');

type UpgradeRequest = IncomingMessage & { [UPGRADE_RESPONSE]?: { req: unknown } };

/** Nothing a pushed connection needs later: what its handshake kept of the request is replaced by these. */
const NOTHING: Readonly<Record<string, never>> = Object.freeze({});

/**
 * An engine.io middleware. For a WebSocket upgrade, engine.io wraps the raw socket in a response object whose `close`
 * listener, on the raw socket, holds it and through it the whole upgrade request (IncomingMessage: its stream state,
 * headers and raw headers) for as long as the connection lasts. The response is kept here so that
 * `releaseUpgradeRequest` can let go of the request once the middlewares are done with it.
 */
export function keepUpgradeResponse(req: IncomingMessage, res: unknown, next: (error?: unknown) => void): void {
  if (res && typeof res === 'object' && 'req' in res && res.req === req) {
    (req as UpgradeRequest)[UPGRADE_RESPONSE] = res as { req: unknown };
  }
  next();
}

/**
 * Once a connection is admitted: nothing of this process holds its upgrade request any more, and its handshake keeps
 * only what is read later (the address, for the per-address limit). The token (`auth`) and the headers are dropped
 * too: about 1 KiB less per idle connection (`npm run bench:connections`: 16.1–16.3 against 17.1–17.5 KiB).
 */
export function releaseUpgradeRequest(socket: Socket): void {
  const conn = socket.conn as unknown as { request: UpgradeRequest | null };
  const request = conn.request;
  const response = request?.[UPGRADE_RESPONSE];
  if (response) {
    response.req = null;
    delete request[UPGRADE_RESPONSE];
  }
  conn.request = null;
  const handshake = socket.handshake;
  handshake.headers = NOTHING;
  handshake.query = NOTHING;
  handshake.auth = NOTHING;
  handshake.time = '';
}
