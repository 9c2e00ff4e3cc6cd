import * as oauth from 'oauth4webapi';
import {
  AudienceError,
  createInProcessLock,
  type LockFn,
  type ResourceParameter,
  checkedCacheKey,
  clientWithClock,
  placeToken,
  toAudienceError,
  TokenCache,
  type TokenCacheEntry,
  usableUntil,
} from '@audience/core';
import { clientAuthentication, type ClientCredentials } from './client-authentication.js';
import { issuerContextOf, requireString, type ServerSideOptions } from './service-options.js';
import { createMemoryTokenCache, type CachedToken, type TokenCacheStore } from './token-cache.js';

/** Options of {@link createServiceClient}. */
export interface ServiceClientOptions extends ServerSideOptions, ClientCredentials {
  readonly clientId: string;
  /**
   * Share of a token's usable lifetime after which the next call starts one background refresh while still
   * returning the cached token; default 0.8.
   */
  readonly refreshAhead?: number;
  /** A token is not used during its last this-many seconds; default 30. */
  readonly expiryLeewaySeconds?: number;
  /** The parameter that names the API: `resource` (RFC 8707, default), `audience` (Auth0), or `none` (the scopes alone: Entra's `api://…/.default`). */
  readonly resourceParameter?: ResourceParameter;
  /**
   * Where tokens are cached; default in memory. A shared cache (`createRedisTokenCache`) lets several processes use
   * one token; each process still keeps a local copy, so a cached call makes no round trip.
   */
  readonly cache?: TokenCacheStore;
  /**
   * Held around each token request, per API; default a lock within this process. Pass a distributed lock
   * (`createRedisLock`) with a shared cache, and N processes make one token request between them.
   */
  readonly lock?: LockFn;
}

/** A machine-to-machine client: one client-credentials token per API. */
export interface ServiceClient {
  /**
   * An access token for an API, from the client credentials grant with `resource`. Cached per resource (+ scopes);
   * concurrent callers share one request; once most of its lifetime is used, the next call returns it and refreshes
   * it in the background, so under steady traffic no caller waits at expiry.
   *
   * @param resource - the API's resource indicator.
   * @param options - `scopes` to ask for.
   * @returns the access token.
   * @throws {AudienceError} `ERR_INVALID_OPTION`, `ERR_INVALID_RESOURCE`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE`,
   *   `ERR_OAUTH` (e.g. `invalid_client`). After a failure, calls for the same API get that failure again without
   *   a request until its backoff (1 s, doubling up to 30 s, or the server's `Retry-After`) has passed.
   * @see RFC 6749 §4.4, RFC 8707 §2
   */
  getAccessToken(resource: string, options?: { readonly scopes?: readonly string[] }): Promise<string>;
  /**
   * Drops a token an API rejected with 401; a newer token for the same API is kept.
   *
   * @param token - the rejected token.
   * @see RFC 6750 §3.1
   */
  invalidate(token: string): Promise<void>;
  /** @returns a promise that settles when no token request (foreground or background) is running. */
  idle(): Promise<void>;
}

/** The last failure of a key: callers share it until `retryAt` instead of sending a request each. */
interface FailureState {
  readonly error: AudienceError;
  readonly failures: number;
  readonly retryAt: number;
}

/** Backoff after consecutive failures: 1 s, 2 s, 4 s … up to 30 s; a `Retry-After` of up to 2 minutes is honoured. */
const MAX_BACKOFF_MS = 30_000;
const MAX_RETRY_AFTER_MS = 120_000;

/** The `Retry-After` of the response behind an oauth4webapi error, in ms (RFC 9110 §10.2.3: seconds or a date). */
function retryAfterMs(err: unknown, now: number): number {
  const response =
    err instanceof oauth.ResponseBodyError || err instanceof oauth.WWWAuthenticateChallengeError
      ? err.response
      : err instanceof oauth.OperationProcessingError && err.cause instanceof Response
        ? err.cause
        : undefined;
  const value = response?.headers.get('retry-after')?.trim();
  if (!value) return 0;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : 0;
}

/**
 * Creates a client-credentials client for a service that calls APIs.
 *
 * @param options - issuer, client id, secret or private key, and caching options.
 * @returns the service client.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 * @see RFC 6749 §4.4, RFC 7523 (private_key_jwt), RFC 8707
 * @example
 * const service = createServiceClient({ issuer, clientId: 'billing-worker', clientSecret });
 * const token = await service.getAccessToken('https://api.example.com');
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const context = issuerContextOf(options);
  const clientId = requireString(options.clientId, 'options.clientId');
  const auth = clientAuthentication(options);
  const refreshAhead = options.refreshAhead ?? 0.8;
  if (!(refreshAhead > 0 && refreshAhead <= 1)) throw new AudienceError('ERR_INVALID_OPTION', '"options.refreshAhead" must be in (0, 1]');
  const leewayMs = (options.expiryLeewaySeconds ?? 30) * 1000;
  if (!(leewayMs >= 0)) throw new AudienceError('ERR_INVALID_OPTION', '"options.expiryLeewaySeconds" must be a number ≥ 0');
  const resourceParameter = options.resourceParameter ?? 'resource';
  if (!['resource', 'audience', 'none'].includes(resourceParameter)) throw new AudienceError('ERR_INVALID_OPTION', '"options.resourceParameter" must be "resource", "audience" or "none"');
  const shared = options.cache;
  const cache = shared ?? createMemoryTokenCache();
  const lock = options.lock ?? createInProcessLock();
  const { now, http, metadata } = context;
  /** Audience's one token cache: this process's tokens (a hit costs no round trip to a shared cache) and flights. */
  const local = new TokenCache<CachedToken>(leewayMs, now);
  const failed = new Map<string, FailureState>();
  const retryAfter = new WeakMap<AudienceError, number>();

  const usable = (token: CachedToken): boolean => local.fresh(token);
  /** When a token is refreshed ahead: `refreshAhead` of the way to its hand-out deadline `until`. */
  const refreshAt = (token: CachedToken, until = usableUntil(token, leewayMs)): number => token.obtainedAt + refreshAhead * (until - token.obtainedAt);

  async function requestToken(resource: string, scopes: readonly string[] | undefined): Promise<CachedToken> {
    const as = await metadata();
    const client = clientWithClock(clientId, now);
    const parameters = new URLSearchParams(resourceParameter === 'none' ? {} : { [resourceParameter]: resource });
    if (scopes?.length) parameters.set('scope', scopes.join(' '));
    const requestedAt = now();
    let tokens: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.clientCredentialsGrantRequest(as, client, await auth(), parameters, http());
      tokens = await oauth.processClientCredentialsResponse(as, client, response);
    } catch (err) {
      const error = toAudienceError(err, `requesting a client-credentials token for ${resource}`);
      retryAfter.set(error, retryAfterMs(err, now()));
      throw error;
    }
    const placed = placeToken(tokens, requestedAt, resource, scopes, [resource]);
    if (placed.misplaced) throw new AudienceError('ERR_SERVER_RESPONSE', `The server returned ${placed.misplaced} when ${resource} was asked for`);
    return { accessToken: tokens.access_token, obtainedAt: requestedAt, expiresAt: placed.token.expiresAt, ...(tokens.scope ? { scope: tokens.scope } : {}) };
  }

  /**
   * One request per key at a time; the result is cached before anyone sees it. A failure is shared by every caller
   * of the key until its backoff has passed (no request each), and the backoff grows with consecutive failures.
   */
  function fetchShared(key: string, resource: string, scopes: readonly string[] | undefined): Promise<CachedToken> {
    const failure = failed.get(key);
    if (!local.flying(key) && failure && now() < failure.retryAt) return Promise.reject(failure.error);
    return local.load(key, key, async () => {
      try {
        // Across processes: one of them requests, the others find its token in the shared cache.
        const token = await lock(`audience:service:${context.issuer.href}:${clientId}:${key}`, async () => {
          const current = shared ? await shared.get(key) : undefined;
          if (current && usable(current) && now() < refreshAt(current)) return current;
          const fresh = await requestToken(resource, scopes);
          await cache.set(key, fresh);
          return fresh;
        });
        failed.delete(key);
        return token;
      } catch (err) {
        const error = err instanceof AudienceError ? err : toAudienceError(err, `requesting a client-credentials token for ${resource}`);
        const failures = (failed.get(key)?.failures ?? 0) + 1;
        const backoff = Math.max(Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS), retryAfter.get(error) ?? 0);
        failed.set(key, { error, failures, retryAt: now() + backoff });
        throw error;
      }
    });
  }

  /** Starts one background refresh unless one runs or the last failure's backoff has not passed. */
  function refreshInBackground(key: string, resource: string, scopes: readonly string[] | undefined): void {
    const failure = failed.get(key);
    if (local.flying(key) || (failure && now() < failure.retryAt)) return;
    // Callers keep the still-valid token meanwhile; a failure only sets the backoff.
    fetchShared(key, resource, scopes).catch(() => undefined);
  }

  /** Hands out a usable token, refreshing it ahead (in the background) when it is time. */
  const serve = (entry: TokenCacheEntry<CachedToken>, t: number, key: string, resource: string, scopes: readonly string[] | undefined): string => {
    const { token } = entry;
    if (t >= refreshAt(token, entry.until)) refreshInBackground(key, resource, scopes);
    return token.accessToken;
  };

  return {
    getAccessToken(resource, tokenOptions = {}) {
      // The hot path: a resource and scopes are checked once, and a process-local hit is one synchronous lookup.
      let key: string;
      try {
        key = checkedCacheKey(resource, tokenOptions.scopes, false);
      } catch (err) {
        return Promise.reject(err);
      }
      const { scopes } = tokenOptions;
      const hit = local.entry(key);
      const t = now();
      if (hit !== undefined && t < hit.until) return Promise.resolve(serve(hit, t, key, resource, scopes));
      return (async () => {
        const cached = await cache.get(key);
        if (cached && usable(cached)) {
          local.set(key, cached);
          return serve(local.entry(key)!, now(), key, resource, scopes);
        }
        return (await fetchShared(key, resource, scopes)).accessToken;
      })();
    },
    async invalidate(token) {
      const key = local.forget(token);
      if (key === undefined) return;
      if ((await cache.get(key))?.accessToken === token) await cache.delete(key);
    },
    idle: () => local.idle(),
  };
}
