import type { Clock } from '@app/core';

/**
 * The time a contract suite runs on. An adapter that takes an injected Clock runs on a manual one, so passing a
 * deadline is instant and exact; one whose engine keeps time itself (Redis TTLs) runs on the real clock, and passing a
 * deadline waits for it.
 */
export interface Timeline extends Clock {
  /** Returns once `deadline` (epoch ms) is in the past. */
  passTo(deadline: number): Promise<void>;
}

export const realTimeline: Timeline = {
  now: () => Date.now(),
  passTo: async (deadline) => {
    const left = deadline - Date.now();
    // a little beyond: an engine rounding its own clock must see the deadline passed too
    if (left >= 0) await new Promise((resolve) => setTimeout(resolve, left + 100));
  },
};

/** A clock that moves only when told: starts now, and jumps to each deadline passed. */
export class ManualTimeline implements Timeline {
  private at = Date.now();

  now(): number {
    return this.at;
  }

  async passTo(deadline: number): Promise<void> {
    this.at = Math.max(this.at, deadline + 1);
  }
}
