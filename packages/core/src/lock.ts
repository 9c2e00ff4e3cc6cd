/**
 * Runs `fn` while holding the lock called `name`, and releases it when `fn` settles. Audience holds it around every
 * use of a refresh token. The browser package passes a Web Lock so that tabs take turns; a server can pass a
 * distributed lock.
 */
export type LockFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * A lock that serialises callers within this JavaScript realm (one tab, one process): each name is a queue.
 *
 * @returns a {@link LockFn}.
 * @see LockFn; the browser package passes a Web Lock instead.
 */
export function createInProcessLock(): LockFn {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    try {
      return await run;
    } finally {
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}
