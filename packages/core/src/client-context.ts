import * as oauth from 'oauth4webapi';
import { createInProcessLock, type LockFn } from './lock.js';
import type { ResolvedOptions } from './options.js';
import { SESSION_KEY, asSession, type StoredSession } from './session.js';
import { toAudienceError } from './to-audience-error.js';

const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/** The options every oauth4webapi request gets. */
export interface RequestOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one fetch serves GET and POST requests
  readonly [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<any, any>) => Promise<Response>;
  readonly [oauth.allowInsecureRequests]: boolean;
  readonly signal: AbortSignal;
}

/** What every protocol step of one client shares: options, server metadata, request options, store access. */
export interface ClientContext {
  readonly options: ResolvedOptions;
  readonly lock: LockFn;
  readonly clientAuth: oauth.ClientAuth;
  /** The authorization server's metadata, from a cache with a TTL; a failed discovery is never cached. */
  metadata(): Promise<oauth.AuthorizationServer>;
  /** The oauth4webapi client, with the clock skew that makes oauth4webapi use our clock. */
  client(): oauth.Client;
  /** Options for one oauth4webapi request: fetch, timeout, insecure-http switch. */
  http(): RequestOptions;
  readSession(): Promise<StoredSession | undefined>;
  /** The name of the lock held around every use of this session's refresh token. */
  lockName(session: Pick<StoredSession, 'sub'>): string;
}

export function createClientContext(options: ResolvedOptions): ClientContext {
  let discovery: { promise: Promise<oauth.AuthorizationServer>; fetchedAt: number } | undefined;
  const http = (): RequestOptions => ({
    // Looked up per request so that tests and edge runtimes can replace fetch after creating the client.
    [oauth.customFetch]: (url, init) => (options.fetch ?? globalThis.fetch)(url, init as RequestInit),
    [oauth.allowInsecureRequests]: options.insecure,
    signal: AbortSignal.timeout(options.timeoutMs),
  });

  return {
    options,
    lock: options.lock ?? createInProcessLock(),
    clientAuth: options.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(options.clientSecret),
    http,
    metadata() {
      const now = options.now();
      if (!discovery || now - discovery.fetchedAt >= DISCOVERY_TTL_MS) {
        const promise = (async () => {
          try {
            const response = await oauth.discoveryRequest(options.issuer, http());
            return await oauth.processDiscoveryResponse(options.issuer, response);
          } catch (err) {
            throw toAudienceError(err, `discovery of ${options.issuer.href}`);
          }
        })();
        const entry = { promise, fetchedAt: now };
        discovery = entry;
        promise.catch(() => {
          if (discovery === entry) discovery = undefined;
        });
      }
      return discovery.promise;
    },
    client: () => ({
      client_id: options.clientId,
      [oauth.clockSkew]: Math.round((options.now() - Date.now()) / 1000),
    }),
    readSession: async () => asSession(await options.store.get(SESSION_KEY)),
    lockName: (session) => `audience:refresh:${options.issuer.href}:${options.clientId}:${session.sub}`,
  };
}
