/** Waiting in tests for a state, not for a time. */

/** Polls `predicate` until it holds (resolves with its truthy value) or `timeout` ms pass (rejects). */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  {
    timeout = 15_000,
    interval = 20,
    what = 'a condition',
  }: { timeout?: number; interval?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
