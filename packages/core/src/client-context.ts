import * as oauth from 'oauth4webapi';
import { createInProcessLock } from './lock.js';
import type { ResolvedOptions } from './options.js';
import type { RequestOptions } from './request-options.js';
import { SESSION_KEY, asSession, type StoredSession } from './session.js';

/** What every protocol step of one client shares: options, server metadata, request options, store access. */
export interface ClientContext {
  readonly options: ResolvedOptions;
  readonly clientAuth: oauth.ClientAuth;
  /** The authorization server's metadata, from a cache with a TTL; a failed discovery is never cached. */
  metadata(): Promise<oauth.AuthorizationServer>;
  /** The oauth4webapi client, with the clock skew that makes oauth4webapi use our clock. */
  client(): oauth.Client;
  /** Options for one oauth4webapi request: fetch, timeout, insecure-http switch. */
  http(): RequestOptions;
  /** The stored session, when it has the whole shape this version writes; anything else counts as no session. */
  readSession(): Promise<StoredSession | undefined>;
  /**
   * Runs `fn` holding this client's one session lock (issuer + client, not per user): every write of the session
   * record (sign-in, refresh, invalidate, sign-out) and every use of its refresh token happens inside it, so a check
   * of the stored record and the write that follows are never interleaved with another writer's. `held` tells
   * whether the lock is still this caller's (see {@link LockFn}).
   */
  withSessionLock<T>(fn: (held: () => Promise<boolean>) => Promise<T>): Promise<T>;
}

/**
 * The oauth4webapi client metadata, with the clock skew that makes oauth4webapi use our clock.
 *
 * @param clientId - the client identifier.
 * @param now - the clock, epoch ms.
 * @returns the oauth4webapi `Client`.
 * @see RFC 7591 §2 (client metadata)
 */
export function clientWithClock(clientId: string, now: () => number): oauth.Client {
  return { client_id: clientId, [oauth.clockSkew]: Math.round((now() - Date.now()) / 1000) };
}

export function createClientContext(options: ResolvedOptions): ClientContext {
  const { http, metadata } = options.issuerContext;
  const lock = options.lock ?? createInProcessLock();
  return {
    options,
    clientAuth: options.clientAuth,
    http,
    metadata,
    client: () => clientWithClock(options.clientId, options.now),
    readSession: async () => asSession(await options.store.get(SESSION_KEY)),
    withSessionLock: (fn) => lock(`audience:session:${options.issuer.href}:${options.clientId}`, fn),
  };
}
