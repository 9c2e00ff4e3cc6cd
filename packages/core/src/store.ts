/**
 * Where a client keeps its session: an async key-value store of structured values (objects are stored as they are,
 * not as JSON strings). One store belongs to one issuer + client; clients that share it (tabs, processes) share the
 * session. The browser package uses IndexedDB; tests and servers use {@link createMemoryStore}.
 */
export interface KeyValueStore {
  /** The value under `key`, as it was stored (a structured value, not a JSON string), or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * @param options - `ttlMs`: how long the value is needed (a pending sign-in); a store with expiry may drop it then.
   * @throws {AudienceError} `ERR_LOCK_LOST` from a fenced store when the lock the write was made under is lost.
   */
  set(key: string, value: unknown, options?: { readonly ttlMs?: number }): Promise<void>;
  /** Removes the value under `key`, if there is one. */
  delete(key: string): Promise<void>;
}

/**
 * An in-memory {@link KeyValueStore}. Values are cloned on the way in and out, as IndexedDB would, so no caller can
 * change what is stored by mutating an object it holds.
 *
 * @returns a new, empty store.
 * @see KeyValueStore
 */
export function createMemoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => (values.has(key) ? (structuredClone(values.get(key)) as T) : undefined),
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}
