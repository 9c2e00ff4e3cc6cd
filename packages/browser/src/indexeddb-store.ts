import { clear, createStore, del, get, set } from 'idb-keyval';
import type { KeyValueStore } from '@audience/core';

/** A {@link KeyValueStore} in an IndexedDB database of its own, with `clear()` to empty it on sign-out. */
export interface IndexedDbStore extends KeyValueStore {
  /** Empties the database (sign-out). */
  clear(): Promise<void>;
}

/**
 * Opens (lazily, on first use) an IndexedDB database named after the issuer and client, never idb-keyval's shared
 * default database. Values are stored as structured clones, not JSON strings.
 *
 * @param issuer - the issuer identifier.
 * @param clientId - the client identifier.
 * @returns the store.
 * @see https://developer.mozilla.org/docs/Web/API/IndexedDB_API
 */
export function createIndexedDbStore(issuer: string, clientId: string): IndexedDbStore {
  let opened: ReturnType<typeof createStore> | undefined;
  // idb-keyval opens the database as soon as createStore is called: wait for the first use.
  const db = (): ReturnType<typeof createStore> => (opened ??= createStore(`audience:${issuer}:${clientId}`, 'session'));
  return {
    get: (key) => get(key, db()),
    set: (key, value) => set(key, value, db()),
    delete: (key) => del(key, db()),
    clear: () => clear(db()),
  };
}
