import type { StoredToken } from '@audience/core';

/** A cached service token: core's `StoredToken`, with the time it was requested (refresh-ahead needs it). */
export type CachedToken = StoredToken & {
  /** Epoch ms when it was requested. */
  readonly obtainedAt: number;
};

/**
 * Where a service client keeps its tokens, keyed by resource (+ sorted scopes). The default keeps them in memory;
 * implement this over Redis or a database to share tokens between processes. `get` may return a token another
 * process stored; `delete` is called by `invalidate`.
 */
export interface TokenCacheStore {
  /** The token cached under `key` (possibly stored by another process), or undefined. */
  get(key: string): Promise<CachedToken | undefined>;
  /** Caches a token under `key`; a store with expiry may drop it at `token.expiresAt`. */
  set(key: string, token: CachedToken): Promise<void>;
  /** Drops the token under `key` (an API rejected it). */
  delete(key: string): Promise<void>;
}

/**
 * The default token cache of a service client, in this process's memory.
 *
 * @returns an in-memory {@link TokenCacheStore}.
 * @see TokenCacheStore to share tokens between processes.
 */
export function createMemoryTokenCache(): TokenCacheStore {
  const tokens = new Map<string, CachedToken>();
  return {
    get: async (key) => tokens.get(key),
    set: async (key, token) => void tokens.set(key, token),
    delete: async (key) => void tokens.delete(key),
  };
}
