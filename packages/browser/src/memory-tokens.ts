import { SESSION_KEY, type KeyValueStore, type StoredSession } from '@audience/core';

/**
 * Keeps access tokens in this tab's memory only: the session record written to the inner store has no tokens,
 * so IndexedDB holds the refresh token and ID token but never an access token. Each tab then refreshes its own.
 *
 * @param inner - the persistent store.
 * @returns a store that strips tokens on the way in and adds this tab's on the way out.
 */
export function keepTokensInMemory<T extends KeyValueStore>(inner: T): T {
  let tokens: { sessionId: string; tokens: StoredSession['tokens'] } | undefined;
  return {
    ...inner,
    async get<V>(key: string) {
      const value = await inner.get<StoredSession>(key);
      if (key !== SESSION_KEY || !value) return value as V | undefined;
      return { ...value, tokens: tokens?.sessionId === value.id ? tokens.tokens : {} } as V;
    },
    async set(key, value) {
      if (key !== SESSION_KEY) return inner.set(key, value);
      const session = value as StoredSession;
      tokens = { sessionId: session.id, tokens: session.tokens };
      await inner.set(key, { ...session, tokens: {} });
    },
  };
}
