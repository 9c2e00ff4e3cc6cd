import { AudienceError, type KeyValueStore } from '@audience/core';
import { heldLock } from './fence.js';
import { decode, send, type RedisAdapterOptions, type RedisClient } from './redis-client.js';

/** Options of {@link createRedisSessionStore}. */
export interface RedisSessionStoreOptions extends RedisAdapterOptions {
  /** A session unused for this long expires; default 14 days. */
  readonly ttlSeconds?: number;
}

/** Writes only if the lock the caller holds is still its own (the fence), atomically. */
const FENCED_SET = `if redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`;

/**
 * The web app's session store in Redis, shared by its replicas. Every value expires: a session after `ttlSeconds`
 * without use (each read extends it), a pending sign-in after its own short life. Values are JSON with a version
 * field; one that does not parse or has another shape reads as absent. A write made under `createRedisLock` is
 * fenced: if that lock's lease was lost meanwhile, the write is refused (`ERR_LOCK_LOST`) and the newer session stays.
 *
 * @param redis - a connected node-redis client.
 * @param options - key prefix and idle lifetime.
 * @returns a {@link KeyValueStore} for `createWebAppClient({ sessionStore })`.
 * @throws {AudienceError} `ERR_NETWORK` from its methods when Redis cannot be reached; `ERR_LOCK_LOST` from `set`.
 * @see RFC 6265bis (the cookie holds only the session id)
 */
export function createRedisSessionStore(redis: RedisClient, options: RedisSessionStoreOptions = {}): KeyValueStore {
  const prefix = `${options.prefix ?? 'audience:'}session:`;
  const idleMs = (options.ttlSeconds ?? 14 * 24 * 3600) * 1000;
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const record = decode(await send(redis, ['GET', prefix + key]));
      if (!record || !('value' in record)) return undefined;
      if (record['idle'] === true) await send(redis, ['PEXPIRE', prefix + key, String(idleMs)]);
      return record['value'] as T;
    },
    async set(key, value, setOptions = {}) {
      const ttl = setOptions.ttlMs ?? idleMs;
      const json = JSON.stringify({ version: 1, value, ...(setOptions.ttlMs === undefined ? { idle: true } : {}) });
      const lock = heldLock.getStore();
      if (!lock) {
        await send(redis, ['SET', prefix + key, json, 'PX', String(Math.ceil(ttl))]);
        return;
      }
      const written = await send(redis, ['EVAL', FENCED_SET, '2', prefix + key, lock.key, json, String(Math.ceil(ttl)), lock.owner]);
      if (written !== 1) throw new AudienceError('ERR_LOCK_LOST', 'The session was not written: the lock it was refreshed under had been taken over');
    },
    async delete(key) {
      await send(redis, ['DEL', prefix + key]);
    },
  };
}
