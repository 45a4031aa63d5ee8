import type { SwitchboardClient } from '@switchboard/client';

/**
 * What the other stores do when a client starts or the session ends: registered by wiring.ts, so that the session
 * store needs none of them (no import cycles between stores).
 */
export const sessionHooks = {
  client: [] as ((client: SwitchboardClient) => void)[],
  ended: [] as (() => void)[],
};
