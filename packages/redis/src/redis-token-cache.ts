import type { CachedToken, TokenCacheStore } from '@audience/node';
import { decode, send, type RedisAdapterOptions, type RedisClient } from './redis-client.js';

function asCachedToken(record: Record<string, unknown> | undefined): CachedToken | undefined {
  const token = record?.['token'] as Record<string, unknown> | undefined;
  const valid =
    typeof token === 'object' &&
    token !== null &&
    typeof token['accessToken'] === 'string' &&
    typeof token['obtainedAt'] === 'number' &&
    typeof token['expiresAt'] === 'number' &&
    (token['scope'] === undefined || typeof token['scope'] === 'string');
  return valid ? (token as unknown as CachedToken) : undefined;
}

/**
 * The service client's token cache in Redis, shared by every process that uses the same Redis and prefix. Each
 * entry expires in Redis with its token.
 *
 * @param redis - a connected node-redis client.
 * @param options - key prefix.
 * @returns a {@link TokenCacheStore} for `createServiceClient({ cache })`.
 * @throws {AudienceError} `ERR_NETWORK` from its methods when Redis cannot be reached.
 * @see RFC 6749 §4.4 (the tokens it holds)
 */
export function createRedisTokenCache(redis: RedisClient, options: RedisAdapterOptions = {}): TokenCacheStore {
  const prefix = `${options.prefix ?? 'audience:'}token:`;
  return {
    get: async (key) => asCachedToken(decode(await send(redis, ['GET', prefix + key]))),
    async set(key, token) {
      const ttl = Math.max(1, Math.ceil(token.expiresAt - Date.now()));
      await send(redis, ['SET', prefix + key, JSON.stringify({ version: 1, token }), 'PX', String(ttl)]);
    },
    async delete(key) {
      await send(redis, ['DEL', prefix + key]);
    },
  };
}
