import { randomUUID } from 'node:crypto';
import type { LockFn } from '@audience/core';
import { heldLock } from './fence.js';
import { send, type RedisAdapterOptions, type RedisClient, type RedisSubscriber } from './redis-client.js';

/** Options of {@link createRedisLock}. */
export interface RedisLockOptions extends RedisAdapterOptions {
  /** Lease of a holder: extended every third of it while the holder runs; a holder that died loses it after this long. Default 10 000 ms. */
  readonly ttlMs?: number;
}

/** A {@link LockFn} with a way to close its subscriber connection at shutdown. */
export type RedisLock = LockFn & {
  /** Closes the pub/sub connection the lock opened (the client passed in stays yours to close). */
  close(): Promise<void>;
};

/** Deletes the lock only if this owner still holds it, and wakes the waiters. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) redis.call('PUBLISH', ARGV[2], KEYS[1]) return 1 end return 0`;
/** Extends the lease only if this owner still holds it. */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * A distributed {@link LockFn} over Redis, for the `lock` option of the Audience clients: processes that share a
 * session or a service token take turns with it.
 *
 * - Acquired with `SET key owner NX PX ttl` and a random owner; released by a compare-and-delete script, so a holder
 *   never releases a lock that is no longer its own.
 * - A holder that is still running extends its lease every `ttlMs / 3`, so a slow token request never loses it; a
 *   holder that died (process killed) loses it when the lease runs out.
 * - Waiters are woken by a pub/sub message when the lock is released (one subscriber connection per lock
 *   instance), and otherwise wait for the lease to run out: no tight polling.
 * - `held()` asks Redis whether the lease is still this holder's; the session store fences its writes with the same
 *   check, atomically, so a holder whose lease was lost while it stalled cannot overwrite a newer session.
 *
 * @param redis - a connected node-redis client.
 * @param options - key prefix and lease length.
 * @returns the lock function.
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
 * @example
 * const redis = await createClient({ url }).connect();
 * const service = createServiceClient({ issuer, clientId, clientSecret, cache: createRedisTokenCache(redis), lock: createRedisLock(redis) });
 */
export function createRedisLock(redis: RedisClient, options: RedisLockOptions = {}): RedisLock {
  const prefix = options.prefix ?? 'audience:';
  const ttlMs = options.ttlMs ?? 10_000;
  const channel = `${prefix}lock-released`;
  const waiters = new Map<string, Set<() => void>>();
  let subscribed: Promise<RedisSubscriber> | undefined;

  const subscribe = (): Promise<RedisSubscriber> =>
    (subscribed ??= (async () => {
      const subscriber = redis.duplicate();
      subscriber.on('error', () => undefined); // reconnects on its own; waiters also wake when the lease runs out
      await subscriber.connect();
      await subscriber.subscribe(channel, (key) => {
        for (const wake of waiters.get(key) ?? []) wake();
      });
      return subscriber;
    })().catch((err: unknown) => {
      subscribed = undefined;
      throw err;
    }));

  /** Waits until the lock is released or its lease can have run out (listening before asking, so no release is missed). */
  const released = async (key: string): Promise<void> => {
    const set = waiters.get(key) ?? new Set<() => void>();
    waiters.set(key, set);
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = () => {
        set.delete(wake);
        if (set.size === 0) waiters.delete(key);
        resolve();
      };
      set.add(wake);
    });
    const remaining = Number(await send(redis, ['PTTL', key]).catch((err: unknown) => (wake(), Promise.reject(err))));
    const timer = setTimeout(wake, remaining > 0 ? Math.min(remaining, ttlMs) + 5 : 5);
    await woken;
    clearTimeout(timer);
  };

  const lock: LockFn = async (name, fn) => {
    const key = `${prefix}lock:${name}`;
    const owner = randomUUID();
    await subscribe();
    while ((await send(redis, ['SET', key, owner, 'NX', 'PX', String(ttlMs)])) !== 'OK') await released(key);
    let lost = false;
    const lease = setInterval(() => {
      send(redis, ['EVAL', EXTEND, '1', key, owner, String(ttlMs)]).then(
        (extended) => void (extended === 1 || (lost = true)),
        () => undefined, // Redis unreachable: held() will say so
      );
    }, Math.max(10, Math.floor(ttlMs / 3)));
    lease.unref();
    const held = async (): Promise<boolean> => !lost && (await send(redis, ['GET', key])) === owner;
    try {
      return await heldLock.run({ key, owner }, () => fn(held));
    } finally {
      clearInterval(lease);
      await send(redis, ['EVAL', RELEASE, '1', key, owner, channel]).catch(() => undefined);
    }
  };
  return Object.assign(lock, {
    async close() {
      const subscriber = await subscribed?.catch(() => undefined);
      subscribed = undefined;
      await subscriber?.close().catch(() => undefined);
    },
  });
}
