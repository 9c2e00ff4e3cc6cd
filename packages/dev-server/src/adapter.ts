import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * An in-memory oidc-provider adapter whose whole state one server owns, so that tests can revoke a user's grants
 * and several servers in one process never share artifacts (oidc-provider's own memory adapter is process-global).
 */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>();

  adapterFor(model: string): Adapter {
    const key = (id: string): string => `${model}:${id}`;
    const read = (id: string): AdapterPayload | undefined => {
      const entry = this.#entries.get(key(id));
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        this.#entries.delete(key(id));
        return undefined;
      }
      return entry.payload;
    };
    const findBy = (field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
      for (const [k, entry] of this.#entries) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value && entry.expiresAt > Date.now()) {
          return entry.payload;
        }
      }
      return undefined;
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        this.#entries.set(key(id), { payload, expiresAt });
      },
      find: async (id) => read(id),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      consume: async (id) => {
        const payload = read(id);
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.#entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => this.revokeGrant(grantId),
    };
  }

  /** Deletes a grant and every artifact issued under it. */
  revokeGrant(grantId: string): void {
    for (const [k, entry] of this.#entries) {
      if (entry.payload.grantId === grantId || k === `Grant:${grantId}`) this.#entries.delete(k);
    }
  }

  /** Ids of the live grants of one account. */
  grantIdsOf(accountId: string): string[] {
    const ids: string[] = [];
    for (const [k, entry] of this.#entries) {
      if (k.startsWith('Grant:') && entry.payload.accountId === accountId) ids.push(k.slice('Grant:'.length));
    }
    return ids;
  }
}
