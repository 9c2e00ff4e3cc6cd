import * as oauth from 'oauth4webapi';
import { createDiscovery } from './discovery.js';
import { createInProcessLock, type LockFn } from './lock.js';
import type { ResolvedOptions } from './options.js';
import { createRequestOptions, type RequestOptions } from './request-options.js';
import { SESSION_KEY, asSession, type StoredSession } from './session.js';

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

/** The oauth4webapi client metadata, with the clock skew that makes oauth4webapi use our clock. */
export function clientWithClock(clientId: string, now: () => number): oauth.Client {
  return { client_id: clientId, [oauth.clockSkew]: Math.round((now() - Date.now()) / 1000) };
}

export function createClientContext(options: ResolvedOptions): ClientContext {
  const http = createRequestOptions(options);
  return {
    options,
    lock: options.lock ?? createInProcessLock(),
    clientAuth: options.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(options.clientSecret),
    http,
    metadata: createDiscovery(options.issuer, http, options.now),
    client: () => clientWithClock(options.clientId, options.now),
    readSession: async () => asSession(await options.store.get(SESSION_KEY)),
    lockName: (session) => `audience:refresh:${options.issuer.href}:${options.clientId}:${session.sub}`,
  };
}
