import { SESSION_KEY, type KeyValueStore } from '@audience/core';

/**
 * Wraps a store so that every write of the session record is announced on a BroadcastChannel, and calls `onChange` when another tab
 * announces one. Tabs then re-read the store: their subscribers see the same state, and none keeps a token in
 * memory that a sibling has replaced or signed out.
 *
 * @param store - the shared store (IndexedDB).
 * @param channelName - one channel per issuer + client.
 * @param onChange - called for writes made by other tabs.
 * @returns the announcing store and a function that closes the channel.
 */
export function announceChanges<T extends KeyValueStore>(store: T, channelName: string, onChange: () => void): { store: T; close(): void } {
  if (typeof BroadcastChannel === 'undefined') return { store, close: () => undefined };
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = onChange;
  const announce = (): void => channel.postMessage('changed');
  return {
    store: {
      ...store,
      set: async (key, value) => {
        await store.set(key, value);
        if (key === SESSION_KEY) announce();
      },
      delete: async (key) => {
        await store.delete(key);
        if (key === SESSION_KEY) announce();
      },
    },
    close: () => channel.close(),
  };
}
