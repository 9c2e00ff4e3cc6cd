import { usableUntil, type StoredToken } from './session.js';

/** A kept token with the moment it stops being handed out, computed once when it is kept. */
export interface TokenCacheEntry<T> {
  readonly token: T;
  /** Epoch ms: handed out before this (its expiry minus the leeway). */
  readonly until: number;
}

/**
 * The one keyed token cache of Audience: tokens in memory by cache key, and at most one request in flight per key,
 * shared by every concurrent caller; a token is kept before any caller sees it, and a failed request is never kept.
 * The user-session token manager (core) and the service client (node) both use it; the service client adds
 * refresh-ahead and failure backoff on top.
 */
export class TokenCache<T extends StoredToken = StoredToken> {
  readonly #tokens = new Map<string, TokenCacheEntry<T>>();
  readonly #flights = new Map<string, Promise<T>>();
  readonly #leewayMs: number;
  readonly #now: () => number;

  /**
   * @param leewayMs - a token is not handed out during its last this-many milliseconds (capped, see `usableUntil`).
   * @param now - the clock, epoch ms.
   */
  constructor(leewayMs: number, now: () => number) {
    this.#leewayMs = leewayMs;
    this.#now = now;
  }

  /**
   * @param token - a token, or nothing.
   * @returns whether it may be handed out now.
   */
  fresh(token: T | undefined): token is T {
    return token !== undefined && usableUntil(token, this.#leewayMs) > this.#now();
  }

  /**
   * @param key - the cache key.
   * @returns the token kept under `key`, fresh or not.
   */
  peek(key: string): T | undefined {
    return this.#tokens.get(key)?.token;
  }

  /**
   * The hot path of a cache hit: one lookup, no arithmetic.
   *
   * @param key - the cache key.
   * @returns the entry kept under `key`, fresh or not; fresh while `now() < until`.
   */
  entry(key: string): TokenCacheEntry<T> | undefined {
    return this.#tokens.get(key);
  }

  /**
   * @param key - the cache key.
   * @returns the token kept under `key` when it may be handed out now.
   */
  hit(key: string): T | undefined {
    const entry = this.#tokens.get(key);
    return entry !== undefined && entry.until > this.#now() ? entry.token : undefined;
  }

  /**
   * Keeps a token under `key`.
   *
   * @param key - the cache key.
   * @param token - the token.
   */
  set(key: string, token: T): void {
    this.#tokens.set(key, { token, until: usableUntil(token, this.#leewayMs) });
  }

  /**
   * Forgets a token by its value (an API rejected it), leaving a newer one under the same key.
   *
   * @param accessToken - the rejected token.
   * @returns the key it was kept under, if it was.
   */
  forget(accessToken: string): string | undefined {
    for (const [key, { token }] of this.#tokens) {
      if (token.accessToken === accessToken) {
        this.#tokens.delete(key);
        return key;
      }
    }
    return undefined;
  }

  /** Forgets every token (the session changed). Requests in flight go on; their callers still get their answer. */
  clear(): void {
    this.#tokens.clear();
  }

  /**
   * @param flight - the flight's name (the cache key, or the key of a forced refresh).
   * @returns whether a request with that name is in flight.
   */
  flying(flight: string): boolean {
    return this.#flights.has(flight);
  }

  /**
   * The request in flight under `flight`, or a new one: every concurrent caller shares it, and its token is kept
   * under `key` before any of them sees it. A failure is shared by the callers of that flight, then forgotten.
   *
   * @param flight - the flight's name.
   * @param key - where its token is kept.
   * @param request - sends the request.
   * @returns the token.
   */
  load(flight: string, key: string, request: () => Promise<T>): Promise<T> {
    const running = this.#flights.get(flight);
    if (running) return running;
    const started = request()
      .then((token) => {
        this.set(key, token);
        return token;
      })
      .finally(() => this.#flights.delete(flight));
    this.#flights.set(flight, started);
    return started;
  }

  /** @returns a promise that settles once no request is in flight. */
  async idle(): Promise<void> {
    while (this.#flights.size > 0) await Promise.allSettled([...this.#flights.values()]);
  }
}
