import { createInProcessLock, type LockFn } from '@audience/core';

/**
 * A {@link LockFn} over the Web Locks API, so that all tabs of an origin take turns with the refresh token. If the
 * lock cannot be acquired within `timeoutMs` (a tab froze while holding it), it is stolen: a stuck tab must not sign
 * every other tab out. Without Web Locks it falls back to a lock within this tab.
 *
 * @param timeoutMs - how long to wait for the lock before stealing it.
 * @returns the lock function.
 * @see https://w3c.github.io/web-locks/
 */
export function createWebLock(timeoutMs: number): LockFn {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return createInProcessLock();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await locks.request(name, { signal: AbortSignal.timeout(timeoutMs) }, fn);
    } catch (err) {
      // Only a timed-out acquisition is retried by stealing; fn's own errors pass through.
      if ((err as Error | undefined)?.name !== 'TimeoutError') throw err;
      return locks.request(name, { steal: true }, fn);
    }
  };
}
