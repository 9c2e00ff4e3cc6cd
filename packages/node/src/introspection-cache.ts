/** Default bound of the opt-in introspection cache. */
export const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Introspection results by token: concurrent introspections of one token share one request, and, only when the API
 * opts in, an active result is reused until `until`. The cache is bounded: expired entries are swept when it is
 * full, and the oldest entry goes when none has expired.
 */
export interface IntrospectionCache<T> {
  get(token: string, load: () => Promise<{ readonly value: T; readonly until: number }>): Promise<T>;
  /** @returns how many results are kept (for tests and metrics). */
  readonly size: number;
}

/**
 * @param options - `ttlMs` (0: no positive cache), `maxEntries`, and the clock.
 * @returns the cache.
 * @see RFC 7662 §4 (caching introspection responses)
 */
export function createIntrospectionCache<T>(options: { readonly ttlMs: number; readonly maxEntries: number; readonly now: () => number }): IntrospectionCache<T> {
  const { ttlMs, maxEntries, now } = options;
  const kept = new Map<string, { value: T; until: number }>();
  const inflight = new Map<string, Promise<T>>();

  const keep = (token: string, value: T, until: number): void => {
    if (kept.size >= maxEntries) {
      const time = now();
      for (const [key, entry] of kept) if (entry.until <= time) kept.delete(key);
      if (kept.size >= maxEntries) kept.delete(kept.keys().next().value!);
    }
    kept.set(token, { value, until });
  };

  return {
    get(token, load) {
      const hit = kept.get(token);
      if (hit) {
        if (hit.until > now()) return Promise.resolve(hit.value);
        kept.delete(token);
      }
      let running = inflight.get(token);
      if (!running) {
        running = load()
          .then(({ value, until }) => {
            const keepUntil = Math.min(until, now() + ttlMs);
            if (ttlMs > 0 && keepUntil > now()) keep(token, value, keepUntil);
            return value;
          })
          .finally(() => inflight.delete(token));
        inflight.set(token, running);
      }
      return running;
    },
    get size() {
      return kept.size;
    },
  };
}
