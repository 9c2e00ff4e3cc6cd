import { AsyncLocalStorage } from 'node:async_hooks';

/** The Redis lock held by the code running now, so that a store write made under it can be fenced. */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
}

/** Set by `createRedisLock` around the locked function; read by the session store's writes. */
export const heldLock: AsyncLocalStorage<HeldLock> = new AsyncLocalStorage<HeldLock>();
