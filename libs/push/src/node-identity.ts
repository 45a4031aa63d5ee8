/** Which push node this process is, and the URL clients reach it at. */
export class NodeIdentity {
  constructor(
    readonly id: string,
    readonly url: string,
  ) {}
}

/** How long a route lives without a heartbeat; heartbeats run every third of it. */
export const ROUTE_TTL_MS = 60_000;
