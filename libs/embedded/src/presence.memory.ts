import { Clock, PresenceStore, Route, systemClock } from '@app/core';

interface Connection {
  nodeId: string;
  expiresAt: number;
}

/** In-process presence for the one-process server: connections die with the process, so nothing is persisted. */
export class InMemoryPresenceStore implements PresenceStore {
  /** userId → connectionId → connection */
  private readonly users = new Map<string, Map<string, Connection>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async connect(route: Route, ttlMs: number): Promise<void> {
    let connections = this.users.get(route.userId);
    if (!connections) this.users.set(route.userId, (connections = new Map()));
    connections.set(route.connectionId, { nodeId: route.nodeId, expiresAt: this.clock.now() + ttlMs });
  }

  async disconnect(route: Route): Promise<void> {
    const connections = this.users.get(route.userId);
    if (connections?.get(route.connectionId)?.nodeId !== route.nodeId) return;
    connections.delete(route.connectionId);
    if (connections.size === 0) this.users.delete(route.userId);
  }

  /** Upserts, as the port says: a heartbeat also restores routes that expired or were removed meanwhile. */
  async refresh(nodeId: string, routes: Route[], ttlMs: number): Promise<void> {
    for (const route of routes) await this.connect({ ...route, nodeId }, ttlMs);
  }

  async routesOf(userIds: string[]): Promise<Map<string, Route[]>> {
    const now = this.clock.now();
    const result = new Map<string, Route[]>();
    for (const userId of userIds) {
      const connections = this.users.get(userId);
      if (!connections) continue;
      const routes: Route[] = [];
      for (const [connectionId, c] of connections) {
        if (c.expiresAt > now) routes.push({ userId, connectionId, nodeId: c.nodeId });
        else connections.delete(connectionId);
      }
      if (routes.length) result.set(userId, routes);
      else this.users.delete(userId);
    }
    return result;
  }

  async removeNode(nodeId: string): Promise<string[]> {
    const affected: string[] = [];
    for (const [userId, connections] of this.users) {
      let hit = false;
      for (const [connectionId, c] of connections) {
        if (c.nodeId === nodeId) {
          connections.delete(connectionId);
          hit = true;
        }
      }
      if (hit) affected.push(userId);
      if (connections.size === 0) this.users.delete(userId);
    }
    return affected;
  }

  async ping(): Promise<void> {}
}
