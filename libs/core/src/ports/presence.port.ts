/** One live connection of a user on a push node. */
export interface Route {
  userId: string;
  connectionId: string;
  nodeId: string;
}

/**
 * Presence and routes: which push node holds which user's connections (see docs/architecture.md, 'The cluster'). Every
 * entry expires unless refreshed, so a node that dies without cleaning up stops receiving pushes after one TTL.
 */
export interface PresenceStore {
  connect(route: Route, ttlMs: number): Promise<void>;
  disconnect(route: Route): Promise<void>;
  /**
   * Heartbeat: keep these connections of one node alive for another TTL. Upserts: a route that expired or was removed
   * (its node was thought dead) is restored.
   */
  refresh(nodeId: string, routes: Route[], ttlMs: number): Promise<void>;
  /** Live routes of each user; users with none are absent from the map. */
  routesOf(userIds: string[]): Promise<Map<string, Route[]>>;
  /** Drop every route held by a node (it died or drained); returns the users that lost a route. */
  removeNode(nodeId: string): Promise<string[]>;
  ping(): Promise<void>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');
