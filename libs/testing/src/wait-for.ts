/**
 * How long a test waits for an event it expects before it fails: generous, because a busy machine (a CI box shared
 * with other jobs) makes everything slower but must not make a test fail. It bounds a wait; it asserts no speed.
 */
export const EVENTUALLY_MS = 20_000;

/** Polls `probe` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = EVENTUALLY_MS,
  what = 'condition',
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
