import {
  AudienceError,
  createOidcClient,
  sameOriginPath,
  type IdTokenClaims,
  type OidcClient,
  type OidcClientOptions,
  type SignInOptions,
  type SignOutOptions,
} from '@audience/core';
import { announceChanges } from './cross-tab.js';
import { createIndexedDbStore } from './indexeddb-store.js';
import { keepTokensInMemory } from './memory-tokens.js';
import { createWebLock } from './web-lock.js';

/** Options of {@link createBrowserClient}: the core options without the platform pieces, which it provides. */
export interface BrowserClientOptions extends Omit<OidcClientOptions, 'store' | 'lock' | 'redirectUri'> {
  /** Default: `{origin}/callback`. */
  readonly redirectUri?: string;
  /** `indexeddb` (default) shares access tokens between tabs; `memory` keeps them in each tab only. */
  readonly accessTokenStorage?: 'indexeddb' | 'memory';
  /** How long to wait for another tab's refresh lock before taking it over; default 15 000 ms. */
  readonly lockTimeoutMs?: number;
}

/** Options of `signIn`. */
export interface BrowserSignInOptions extends Omit<SignInOptions, 'appState'> {
  /** Same-origin path to come back to; default: the current path, query and fragment. */
  readonly returnTo?: string;
}

/** What `handleRedirectCallback` returns. */
export interface RedirectResult {
  /** The same-origin path remembered at sign-in (never another origin). */
  readonly returnTo: string;
  readonly claims: IdTokenClaims;
}

/**
 * The core client wired for a single-page app. Core's `handleCallback` is not part of it: a page completes a sign-in
 * with `handleRedirectCallback`, which also cleans the address bar and checks `returnTo`.
 */
export interface BrowserClient extends Omit<OidcClient, 'signOut' | 'handleCallback'> {
  /**
   * Sends the browser to the authorization endpoint (authorization code + PKCE).
   *
   * @param options - sign-in options and the path to return to.
   * @returns a promise that settles as the page navigates away.
   * @throws {AudienceError} `ERR_INVALID_OPTION`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE` (discovery or PAR).
   * @see RFC 6749 §4.1.1, RFC 7636
   */
  signIn(options?: BrowserSignInOptions): Promise<void>;
  /**
   * Completes the sign-in when the current URL is the redirect URI, then removes `code`, `state` and `iss` from the
   * address bar.
   *
   * @returns the same-origin path to return to, and the ID token claims.
   * @throws {AudienceError} `ERR_CALLBACK` when this page is not the redirect URI or the response is bad;
   *   `ERR_ID_TOKEN`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE`.
   * @see RFC 6749 §4.1.2, RFC 9207
   */
  handleRedirectCallback(): Promise<RedirectResult>;
  /**
   * @returns true when this page is the redirect URI with an authorization response (`state` in the query): the
   *   moment to call `handleRedirectCallback`.
   * @see RFC 6749 §4.1.2
   */
  isRedirectCallback(): boolean;
  /**
   * Signs out every tab: revokes the refresh token, empties IndexedDB, tells the other tabs, and navigates to the
   * server's end-session endpoint (or the post-logout redirect URI when the server has none).
   *
   * @param options - the post-logout redirect URI for this sign-out.
   * @see RFC 7009, OpenID Connect RP-Initiated Logout 1.0
   */
  signOut(options?: SignOutOptions): Promise<void>;
  /** Stops listening to other tabs. */
  close(): void;
}

const CALLBACK_PARAMS = ['code', 'state', 'iss', 'session_state', 'error', 'error_description', 'error_uri'];

/**
 * Creates the client of a single-page app: IndexedDB storage per issuer + client, a Web Lock around every refresh so
 * tabs take turns, and a BroadcastChannel so that every tab sees sign-in, new tokens and sign-out.
 * Call it in the browser only; importing the package elsewhere (SSR, Node) is safe.
 *
 * @param options - issuer, client id and the core options.
 * @returns the browser client.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the bad option.
 * @see RFC 6749 §4.1, RFC 7636 (PKCE), RFC 8707, https://w3c.github.io/web-locks/
 * @example
 * const auth = createBrowserClient({ issuer, clientId, resources: ['https://api.example.com'] });
 * if (location.pathname === '/callback') history.replaceState(null, '', (await auth.handleRedirectCallback()).returnTo);
 * const token = await auth.getAccessToken('https://api.example.com');
 */
export function createBrowserClient(options: BrowserClientOptions): BrowserClient {
  const redirectUri = options.redirectUri ?? `${location.origin}/callback`;
  const idb = createIndexedDbStore(String(options.issuer), String(options.clientId));
  // Another tab wrote the session: re-read it (the client exists by the time any message can arrive).
  const onOtherTab = { reload: (): unknown => undefined };
  const shared = announceChanges(
    options.accessTokenStorage === 'memory' ? keepTokensInMemory(idb) : idb,
    `audience:${options.issuer}:${options.clientId}`,
    () => onOtherTab.reload(),
  );
  let client: OidcClient;
  try {
    client = createOidcClient({
      ...options,
      redirectUri,
      store: shared.store,
      lock: createWebLock(options.lockTimeoutMs ?? 15_000),
    });
  } catch (err) {
    shared.close(); // bad options: leave no channel open behind the error
    throw err;
  }
  onOtherTab.reload = () => client.reload().catch(() => undefined);

  const { handleCallback, ...withoutHandleCallback } = client;
  const expected = new URL(redirectUri);
  const onRedirectUri = (url: URL): boolean => url.origin === expected.origin && url.pathname === expected.pathname;
  return {
    ...withoutHandleCallback,
    async signIn(signInOptions = {}) {
      const { returnTo, ...rest } = signInOptions;
      const url = await client.buildSignInUrl({ ...rest, appState: { returnTo: returnTo ?? location.pathname + location.search + location.hash } });
      location.assign(url);
    },
    isRedirectCallback: () => onRedirectUri(new URL(location.href)) && new URL(location.href).searchParams.has('state'),
    async handleRedirectCallback() {
      const here = new URL(location.href);
      if (!onRedirectUri(here)) {
        throw new AudienceError('ERR_CALLBACK', `This page (${here.pathname}) is not the redirect URI ${expected.href}`);
      }
      try {
        const { claims, appState } = await handleCallback(here);
        return { claims, returnTo: sameOriginPath((appState as { returnTo?: unknown } | undefined)?.returnTo, here.origin) };
      } finally {
        // The code is single-use and the state consumed: keep neither in the address bar or the history.
        for (const name of CALLBACK_PARAMS) here.searchParams.delete(name);
        history.replaceState(history.state, '', here.pathname + here.search + here.hash);
      }
    },
    async signOut(signOutOptions = {}) {
      const url = await client.signOut(signOutOptions);
      await shared.store.clear();
      location.assign(url ?? signOutOptions.postLogoutRedirectUri ?? options.postLogoutRedirectUri ?? '/');
    },
    close: shared.close,
  };
}
