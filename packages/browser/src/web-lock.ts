import { createInProcessLock, type LockFn } from '@audience/core';
import { createStore, get, set } from 'idb-keyval';

/** What a lock holder writes while it holds the lock: who it is, and when it last showed a sign of life. */
export interface Heartbeat {
  readonly owner: string;
  readonly at: number;
}

/** Where holders write their heartbeats: shared by every tab of the origin. */
export interface HeartbeatStore {
  /** The last heartbeat of the holder of lock `name`, if any. */
  get(name: string): Promise<Heartbeat | undefined>;
  /** Records a heartbeat of the holder of lock `name`. */
  set(name: string, beat: Heartbeat): Promise<void>;
}

let defaultBeats: HeartbeatStore | undefined;
function indexedDbHeartbeats(): HeartbeatStore {
  if (defaultBeats) return defaultBeats;
  const db = createStore('audience:locks', 'heartbeats');
  return (defaultBeats = { get: (name) => get<Heartbeat>(name, db), set: (name, beat) => set(name, beat, db) });
}

const isHeartbeat = (value: unknown): value is Heartbeat =>
  typeof value === 'object' && value !== null && typeof (value as Heartbeat).owner === 'string' && typeof (value as Heartbeat).at === 'number';

/**
 * A {@link LockFn} over the Web Locks API, so that all tabs of an origin take turns with the refresh token.
 *
 * - Calls in one tab queue in the tab first and ask for the Web Lock one at a time, so they never time each other
 *   out.
 * - The holder writes a heartbeat to IndexedDB while it holds the lock. A waiter that has waited `timeoutMs` takes
 *   the lock over (Web Locks `steal`) only when the heartbeat is older than `timeoutMs`: a holder that is alive and
 *   making progress, e.g. waiting for a slow token endpoint, is never robbed. A frozen or hung tab stops beating and
 *   loses the lock after one to two `timeoutMs`; a closed tab releases it at once.
 * - A holder whose lock was taken over learns it from `held()` (the heartbeat now names another owner, or the Web
 *   Lock reported the take-over), and Audience then neither sends the refresh token nor writes the session; the
 *   caller retries behind the new holder.
 * - Only a timed-out acquisition leads to a take-over; an error thrown by `fn`, whatever its name, is `fn`'s own.
 *
 * Without Web Locks it falls back to a lock within this tab.
 *
 * @param timeoutMs - how long to wait before checking the holder's heartbeat.
 * @param heartbeats - where heartbeats are kept; default an IndexedDB database of its own.
 * @returns the lock function.
 * @see https://w3c.github.io/web-locks/
 */
export function createWebLock(timeoutMs: number, heartbeats?: HeartbeatStore): LockFn {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  const inTab = createInProcessLock();
  if (!locks) return inTab;
  const beatEveryMs = Math.max(50, Math.floor(timeoutMs / 4));
  const beats = (): HeartbeatStore => heartbeats ?? indexedDbHeartbeats();

  const holderAlive = async (name: string): Promise<boolean> => {
    const beat: unknown = await beats().get(name).catch(() => undefined);
    return isHeartbeat(beat) && Date.now() - beat.at < timeoutMs;
  };

  /** Asks for the lock once; `undefined` when the acquisition timed out. */
  const attempt = async <T>(name: string, options: LockOptions, fn: (held: () => Promise<boolean>) => Promise<T>): Promise<{ value: T } | undefined> => {
    const owner = crypto.randomUUID();
    const lost = new AbortController();
    const held = async (): Promise<boolean> => {
      if (lost.signal.aborted) return false;
      const current: unknown = await beats().get(name).catch(() => undefined);
      if (isHeartbeat(current) && current.owner !== owner) lost.abort();
      return !lost.signal.aborted;
    };
    let running: Promise<T> | undefined;
    const request = locks.request(name, options, async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const beat = async (): Promise<void> => {
        const current: unknown = await beats().get(name).catch(() => undefined);
        // Another tab took the lock over (its beat replaced ours): stop at the next check.
        if (running && isHeartbeat(current) && current.owner !== owner) lost.abort();
        if (lost.signal.aborted) return;
        await beats().set(name, { owner, at: Date.now() }).catch(() => undefined);
        timer = setTimeout(() => void beat(), beatEveryMs);
      };
      await beats().set(name, { owner, at: Date.now() }).catch(() => undefined);
      timer = setTimeout(() => void beat(), beatEveryMs);
      try {
        running = fn(held);
        return await running;
      } finally {
        clearTimeout(timer);
        lost.abort(); // released: this holder's signal must not look valid afterwards
      }
    });
    try {
      return { value: await request };
    } catch (err) {
      if (running) {
        // Taken over while fn runs: fn learns it from `held()` and settles on its own; its outcome is the answer.
        lost.abort();
        return { value: await running };
      }
      if (options.signal?.aborted && !options.steal) return undefined;
      throw err;
    }
  };

  return <T>(name: string, fn: (held: () => Promise<boolean>) => Promise<T>): Promise<T> =>
    inTab(name, async () => {
      for (;;) {
        const acquired = await attempt(name, { signal: AbortSignal.timeout(timeoutMs) }, fn);
        if (acquired) return acquired.value;
        if (await holderAlive(name)) continue; // a live holder keeps its lock
        const stolen = await attempt(name, { steal: true }, fn);
        if (stolen) return stolen.value;
      }
    });
}
