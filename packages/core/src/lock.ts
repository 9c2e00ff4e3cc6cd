/**
 * Runs `fn` while holding the lock called `name`, and releases it when `fn` settles. Audience holds it around every
 * write of a session record and every use of its refresh token. The browser package passes a Web Lock so that tabs
 * take turns; a server can pass a distributed lock.
 *
 * `fn` gets a signal that a lock implementation aborts when it loses the lock before `fn` settles (another holder
 * took it over, e.g. after a lease expired). Audience checks it before it sends a refresh token and before it writes,
 * and does neither once it is aborted. A lock that cannot be lost may pass a signal that never aborts.
 */
export type LockFn = <T>(name: string, fn: (held: AbortSignal) => Promise<T>) => Promise<T>;

/** The signal of a lock that is never lost. */
const NEVER_LOST = new AbortController().signal;

/**
 * A lock that serialises callers within this JavaScript realm (one tab, one process): each name is a queue.
 *
 * @returns a {@link LockFn}.
 * @see LockFn; the browser package passes a Web Lock instead.
 */
export function createInProcessLock(): LockFn {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(name: string, fn: (held: AbortSignal) => Promise<T>): Promise<T> => {
    const previous = tails.get(name) ?? Promise.resolve();
    const start = (): Promise<T> => fn(NEVER_LOST);
    const run = previous.then(start, start);
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    try {
      return await run;
    } finally {
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}
