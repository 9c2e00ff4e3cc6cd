import * as oauth from 'oauth4webapi';
import { initialAuthState, nextAuthState, type AuthState, type SignedOutReason } from './auth-state.js';
import { createClientContext } from './client-context.js';
import { AudienceError } from './errors.js';
import { resolveOptions, type OidcClientOptions } from './options.js';
import { checkedCacheKey, invalid } from './validate.js';
import { SESSION_KEY, usableUntil, type IdTokenClaims, type StoredSession } from './session.js';
import { buildSignInUrl, handleCallback, type CallbackResult, type SignInOptions } from './sign-in.js';
import { Subscribable } from './subscribable.js';
import { createTokenManager, type GetAccessTokenOptions } from './token-manager.js';
import { toAudienceError } from './to-audience-error.js';

/** Options of `signOut`. */
export interface SignOutOptions {
  /** Where the end-session endpoint should send the browser; default: the client's `postLogoutRedirectUri`. */
  readonly postLogoutRedirectUri?: string;
}

/** The claims the userinfo endpoint returned (OpenID Connect Core §5.3). */
export type UserInfo = oauth.UserInfoResponse;

/** A framework-free OpenID Connect client for one issuer and client; see {@link createOidcClient}. */
export interface OidcClient {
  /**
   * Starts a sign-in: authorization code + PKCE (S256) with fresh `state` and `nonce`, the transaction stored by
   * `state` (several can be pending). Uses PAR when the server requires it or the options ask for it.
   *
   * @param options - resources, scopes, prompt, login hint, extra parameters and app state for this sign-in.
   * @returns the URL to send the browser to.
   * @throws {AudienceError} `ERR_INVALID_OPTION` for a bad option; `ERR_NETWORK` / `ERR_SERVER_RESPONSE` when
   *   discovery or PAR fails.
   * @see RFC 6749 §4.1.1, RFC 7636 (PKCE), RFC 8707 §2.1 (resource), RFC 9126 (PAR)
   */
  buildSignInUrl(options?: SignInOptions): Promise<URL>;
  /**
   * Completes a sign-in from the callback URL: checks `state`, `iss` (RFC 9207) and `error`, exchanges the code,
   * validates the ID token (signature against the JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`) and stores the
   * session. The transaction is single-use.
   *
   * @param url - the full callback URL.
   * @returns the ID token claims and the `appState` given to `buildSignInUrl`.
   * @throws {AudienceError} `ERR_CALLBACK` (state, iss, replay, `error=`), `ERR_ID_TOKEN`, `ERR_NETWORK`,
   *   `ERR_SERVER_RESPONSE`; nothing is stored on failure.
   * @see RFC 6749 §4.1.2, RFC 9207, OpenID Connect Core §3.1.3.7
   */
  handleCallback(url: string | URL): Promise<CallbackResult>;
  /**
   * An access token: with a resource, a token whose audience is that API (RFC 8707 §2.2); without, the token for the
   * userinfo endpoint. Cached per resource (+ scopes) until it expires minus the leeway; concurrent callers share one
   * request; every refresh runs under the session's lock, so a rotating refresh token is never sent twice.
   *
   * @param resource - the API's resource indicator, one of those requested at sign-in.
   * @param options - `scopes` to narrow the token, `forceRefresh` to bypass the cache.
   * @returns the access token.
   * @throws {AudienceError} `ERR_LOGIN_REQUIRED` (no session, or `invalid_grant`: the session is cleared),
   *   `ERR_INVALID_RESOURCE` (not requested at sign-in; checked before the refresh token is sent), `ERR_NETWORK`,
   *   `ERR_SERVER_RESPONSE` (the session is kept on both), `ERR_OAUTH`, `ERR_INVALID_OPTION`.
   * @see RFC 6749 §6, RFC 8707 §2.2
   */
  getAccessToken(resource?: string, options?: GetAccessTokenOptions): Promise<string>;
  /**
   * Forgets an access token an API rejected with 401, so the next `getAccessToken` gets a new one. A newer token
   * for the same resource is kept.
   *
   * @param token - the rejected access token.
   * @see RFC 6750 §3.1
   */
  invalidate(token: string): Promise<void>;
  /**
   * Calls the userinfo endpoint with the userinfo token and checks that its `sub` is the ID token's.
   *
   * @returns the userinfo claims.
   * @throws {AudienceError} as `getAccessToken`, and `ERR_SERVER_RESPONSE` for a mismatched `sub`.
   * @see OpenID Connect Core §5.3
   */
  fetchUserInfo(): Promise<UserInfo>;
  /**
   * @returns the claims of the signed-in user's ID token, or undefined when signed out.
   */
  getIdTokenClaims(): Promise<IdTokenClaims | undefined>;
  /**
   * @returns true while the session can produce tokens: a refresh token, or an unexpired access token. A stored
   *   ID token alone does not count.
   */
  isAuthenticated(): Promise<boolean>;
  /**
   * Ends the session: revokes the refresh token (best effort), clears the store and returns the end-session URL.
   *
   * @param options - the post-logout redirect URI for this sign-out.
   * @returns the RP-initiated logout URL with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and `state`,
   *   or undefined when the server has no end-session endpoint.
   * @see RFC 7009, OpenID Connect RP-Initiated Logout 1.0 §2
   */
  signOut(options?: SignOutOptions): Promise<URL | undefined>;
  /**
   * @param listener - called with the new {@link AuthState} after each change.
   * @returns a function that unsubscribes.
   */
  subscribe(listener: (state: AuthState) => void): () => void;
  /** @returns the current immutable {@link AuthState} (for `useSyncExternalStore`). */
  getSnapshot(): AuthState;
  /**
   * Tells when the access tokens may have changed: this client refreshed, invalidated or cleared them, signed in, or
   * re-read a session another tab or process wrote. Call `getAccessToken` again to get the current one (a cache hit
   * when nothing changed). Framework wrappers re-render token consumers with it.
   *
   * @param listener - called after each such change.
   * @returns a function that unsubscribes.
   */
  onTokensChange(listener: () => void): () => void;
  /**
   * Re-reads the session from the store, dropping in-memory tokens. Call it when another tab or process changed the
   * store (the browser package does on its BroadcastChannel messages).
   *
   * @returns the new auth state.
   */
  reload(): Promise<AuthState>;
}

/**
 * Creates an OpenID Connect client that signs users in with authorization code + PKCE and manages one access token
 * per RFC 8707 resource. It uses no platform API: storage, lock, fetch and clock come from the options.
 *
 * @param options - issuer, client, redirect URIs, scopes, resources and the platform pieces.
 * @returns the client; its auth state starts as `loading` and settles once the store has been read.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the bad option.
 * @see OpenID Connect Core 1.0 §3.1, RFC 8707
 * @example
 * const client = createOidcClient({ issuer, clientId, redirectUri, resources: [api], store: createMemoryStore() });
 * location.assign(await client.buildSignInUrl());
 * // …on the redirect URI:
 * await client.handleCallback(location.href);
 * const token = await client.getAccessToken(api);
 */
export function createOidcClient(options: OidcClientOptions): OidcClient {
  const ctx = createClientContext(resolveOptions(options));
  const { options: resolved, readSession, metadata, client: oauthClient, http } = ctx;
  const { store, now } = resolved;
  const auth = new Subscribable<(state: AuthState) => void>();
  const tokenEvents = new Subscribable<() => void>();
  let state = initialAuthState;
  let version = 0;

  /** The auth state changes and the tokens may have: tell both kinds of listener. */
  const set = (next: AuthState): void => {
    version++;
    const changed = nextAuthState(state, next);
    if (changed !== state) auth.emit((state = changed));
    tokenEvents.emit();
  };
  const signedIn = (session: StoredSession): void => set({ status: 'signed-in', claims: session.claims });
  const signedOut = (reason: SignedOutReason): void => {
    tokens.clear();
    set({ status: 'signed-out', reason });
  };
  const usable = (session: StoredSession | undefined): boolean =>
    !!session && (session.refreshToken !== undefined || Object.values(session.tokens).some((t) => usableUntil(t, resolved.leewayMs) > now()));

  const tokens = createTokenManager(
    ctx,
    async (id) => {
      if ((await readSession())?.id === id) await store.delete(SESSION_KEY);
      signedOut('session_expired');
    },
    signedIn,
  );

  async function reload(): Promise<AuthState> {
    const before = version;
    const session = await readSession();
    tokens.clear();
    // A sign-in or sign-out that happened while the store was being read wins over what was read.
    if (version !== before) tokenEvents.emit();
    else if (usable(session)) signedIn(session!);
    // No session a moment after being signed in: another tab or process signed out.
    else signedOut(session ? 'session_expired' : state.status === 'signed-in' ? 'signed_out' : 'no_session');
    return state;
  }
  void reload().catch(() => signedOut('no_session'));

  const client: OidcClient = {
    buildSignInUrl: (signInOptions) => buildSignInUrl(ctx, signInOptions),

    async handleCallback(url) {
      const { session, result } = await handleCallback(ctx, url);
      tokens.clear();
      signedIn(session);
      return result;
    },

    getAccessToken(resource, tokenOptions = {}) {
      // The cache hit is the hot path: a resource is parsed once, and a hit is one synchronous lookup (no second
      // async layer).
      let key: string;
      try {
        key = checkedCacheKey(resource, tokenOptions.scopes, true);
      } catch (err) {
        return Promise.reject(err);
      }
      const force = tokenOptions.forceRefresh === true;
      const hit = force ? undefined : tokens.cached(key);
      return hit === undefined ? tokens.get(key, resource, tokenOptions.scopes, force) : Promise.resolve(hit);
    },

    async invalidate(token) {
      await tokens.invalidate(token);
      tokenEvents.emit();
    },

    async fetchUserInfo() {
      const session = await readSession();
      if (!session) throw new AudienceError('ERR_LOGIN_REQUIRED', 'Not signed in');
      const as = await metadata();
      for (let retried = false; ; retried = true) {
        const token = await client.getAccessToken();
        try {
          return await oauth.processUserInfoResponse(as, oauthClient(), session.sub, await oauth.userInfoRequest(as, oauthClient(), token, http()));
        } catch (err) {
          // A token the server no longer accepts (revoked, or expired early) is dropped and replaced once.
          if (retried || !(err instanceof oauth.WWWAuthenticateChallengeError && err.status === 401)) throw toAudienceError(err, 'fetching userinfo');
          await tokens.invalidate(token);
        }
      }
    },

    getIdTokenClaims: async () => (await readSession())?.claims,

    isAuthenticated: async () => usable(await readSession()),

    async signOut(signOutOptions = {}) {
      const redirect = signOutOptions.postLogoutRedirectUri ?? resolved.postLogoutRedirectUri;
      if (redirect !== undefined && !URL.canParse(redirect)) throw invalid('options.postLogoutRedirectUri', 'must be an absolute URL');
      const session =
        (await readSession()) &&
        (await ctx.withSessionLock(async () => {
          const current = await readSession();
          await store.delete(SESSION_KEY);
          return current;
        }));
      signedOut('signed_out');
      const as = await metadata().catch(() => undefined);
      if (session?.refreshToken && as?.revocation_endpoint) {
        try {
          await oauth.processRevocationResponse(
            await oauth.revocationRequest(as, oauthClient(), ctx.clientAuth, session.refreshToken, { ...http(), additionalParameters: { token_type_hint: 'refresh_token' } }),
          );
        } catch {
          // Best effort (RFC 7009 §2.2): the local session is gone either way.
        }
      }
      if (!as?.end_session_endpoint) return undefined;
      const url = new URL(as.end_session_endpoint);
      const params = url.searchParams;
      if (session) params.set('id_token_hint', session.idToken);
      params.set('client_id', resolved.clientId);
      if (redirect !== undefined) params.set('post_logout_redirect_uri', redirect);
      params.set('state', oauth.generateRandomState());
      return url;
    },

    subscribe: (listener) => auth.subscribe(listener),
    getSnapshot: () => state,
    onTokensChange: (listener) => tokenEvents.subscribe(listener),
    reload,
  };
  return client;
}
