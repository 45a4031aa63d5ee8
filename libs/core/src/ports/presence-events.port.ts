/** A user went online (first live route) or offline (last route gone), as seen by a push node. */
export interface PresenceChange {
  userId: string;
  online: boolean;
  /** Epoch ms of the change (the node's clock). */
  at: number;
}

export type PresenceChangeHandler = (change: PresenceChange) => Promise<void>;

/**
 * Presence changes from the push nodes to whoever knows the social graph (the gateway or the one process). Competing
 * consumers: each change is handled by exactly one of the consumers that called `consume`, and a handler that throws
 * leaves it to be handled again (at-least-once); changes published while no consumer runs wait for one.
 */
export interface PresenceEvents {
  publish(change: PresenceChange): Promise<void>;
  /** Starts handling changes with this handler, alongside any other consumer (of any process). */
  consume(handler: PresenceChangeHandler): Promise<void>;
  /** Stops consuming; a change being handled finishes first. */
  close(): Promise<void>;
}

export const PRESENCE_EVENTS = Symbol('PresenceEvents');

/** When each user was last seen online (recorded as they go offline). */
export interface LastSeenStore {
  /** `at` in epoch ms; an older `at` than the one stored is ignored. */
  record(userId: string, at: number): Promise<void>;
  /** Last-seen times of these users; users never seen are absent. */
  lastSeenOf(userIds: string[]): Promise<Map<string, number>>;
}

export const LAST_SEEN_STORE = Symbol('LastSeenStore');
