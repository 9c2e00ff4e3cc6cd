/**
 * Runs `fn` while holding the lock called `name`, and releases it when `fn` settles. Audience holds it around every
 * write of a session record and every use of its refresh token. The browser package passes a Web Lock so that tabs
 * take turns; a server can pass a distributed lock.
 *
 * `fn` gets `held`: it asks the lock's source of truth whether this holder still holds the lock (another holder may
 * have taken it over, e.g. after a lease expired or a tab hung). Audience calls it right before it sends a refresh
 * token and right before it writes the session, and does neither when it answers false. A lock that cannot be lost
 * answers true.
 */
export type LockFn = <T>(name: string, fn: (held: () => Promise<boolean>) => Promise<T>) => Promise<T>;

const ALWAYS_HELD = async (): Promise<boolean> => true;

/**
 * A lock that serialises callers within this JavaScript realm (one tab, one process): each name is a queue.
 *
 * @returns a {@link LockFn}.
 * @see LockFn; the browser package passes a Web Lock instead.
 */
export function createInProcessLock(): LockFn {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(name: string, fn: (held: () => Promise<boolean>) => Promise<T>): Promise<T> => {
    const previous = tails.get(name) ?? Promise.resolve();
    const start = (): Promise<T> => fn(ALWAYS_HELD);
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
