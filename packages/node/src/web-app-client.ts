import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  AudienceError,
  createInProcessLock,
  createMemoryStore,
  createOidcClient,
  type GetAccessTokenOptions,
  type IdTokenClaims,
  type KeyValueStore,
  type OidcClient,
  type SignInOptions,
  type UserInfo,
} from '@audience/core';
import { resolveOptions, sameOriginPath } from '@audience/core/internal';
import { requireString, type ServerSideOptions } from './service-options.js';

/** Options of {@link createWebAppClient}. */
export interface WebAppClientOptions extends ServerSideOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** This app's callback URL; its origin is the app's origin. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri?: string;
  readonly scopes?: readonly string[];
  readonly resources?: readonly string[];
  /** Where sessions live, keyed by session id; default in memory. Give it a TTL in production (Redis, a database). */
  readonly sessionStore?: KeyValueStore;
  readonly cookie?: {
    /** Default `audience_session`. */
    readonly name?: string;
    /** Default true; set false only for http://localhost development. */
    readonly secure?: boolean;
  };
}

/** A server-side web app's sign-in and per-session tokens; the browser holds only an HttpOnly session cookie. */
export interface WebAppClient {
  /**
   * Starts a sign-in in a new session (a fresh id, so a planted cookie cannot fixate it) and redirects (302).
   *
   * @param req - the request.
   * @param res - the response; this method ends it.
   * @param options - sign-in options and the same-origin path to return to.
   * @throws {AudienceError} `ERR_INVALID_OPTION`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE`.
   * @see RFC 6749 §4.1.1, RFC 7636
   */
  signIn(req: IncomingMessage, res: ServerResponse, options?: Omit<SignInOptions, 'appState'> & { readonly returnTo?: string }): Promise<void>;
  /**
   * Completes the sign-in on the redirect URI (code exchange with the client secret, ID token validation).
   *
   * @param req - the callback request.
   * @returns the same-origin path to return to, and the ID token claims.
   * @throws {AudienceError} `ERR_CALLBACK` (also without a session cookie), `ERR_ID_TOKEN`, `ERR_NETWORK`,
   *   `ERR_SERVER_RESPONSE`.
   * @see RFC 6749 §4.1.2, RFC 9207
   */
  handleCallback(req: IncomingMessage): Promise<{ readonly returnTo: string; readonly claims: IdTokenClaims }>;
  /** @returns the signed-in user's ID token claims, or undefined without a live session. */
  getUser(req: IncomingMessage): Promise<IdTokenClaims | undefined>;
  /**
   * The session's access token for a resource (or the userinfo token); one refresh at a time per session, however
   * many requests of that session arrive together.
   *
   * @throws {AudienceError} as `OidcClient.getAccessToken`; `ERR_LOGIN_REQUIRED` without a session.
   * @see RFC 8707 §2.2
   */
  getAccessToken(req: IncomingMessage, resource?: string, options?: GetAccessTokenOptions): Promise<string>;
  /** @returns the userinfo claims of the session's user. @see OpenID Connect Core §5.3 */
  fetchUserInfo(req: IncomingMessage): Promise<UserInfo>;
  /**
   * Revokes the refresh token, deletes the session, clears the cookie and redirects to the end-session endpoint.
   *
   * @see RFC 7009, OpenID Connect RP-Initiated Logout 1.0
   */
  signOut(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const MAX_CACHED_CLIENTS = 1000;

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  res.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), cookie]);
}

/** A view of the session store holding one session's keys. */
function sessionView(store: KeyValueStore, sid: string): KeyValueStore {
  return {
    get: (key) => store.get(`${sid}:${key}`),
    set: (key, value) => store.set(`${sid}:${key}`, value),
    delete: (key) => store.delete(`${sid}:${key}`),
  };
}

/**
 * Creates the client of a server-side web app (a confidential client): auth code + PKCE on the server, sessions in a
 * pluggable server-side store, and an HttpOnly, SameSite=Lax session cookie holding only a random id.
 *
 * @param options - issuer, client credentials, redirect URIs and session settings.
 * @returns the web-app client.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 * @see OpenID Connect Core §3.1, RFC 6265bis (cookies)
 */
export function createWebAppClient(options: WebAppClientOptions): WebAppClient {
  requireString(options.clientSecret, 'options.clientSecret');
  const store = options.sessionStore ?? createMemoryStore();
  const cookieName = options.cookie?.name ?? 'audience_session';
  const secure = options.cookie?.secure ?? true;
  const appOrigin = new URL(requireString(options.redirectUri, 'options.redirectUri')).origin;
  const lock = createInProcessLock();
  const clients = new Map<string, OidcClient>();
  const { cookie: _cookie, sessionStore: _store, ...core } = options;

  const clientFor = (sid: string): OidcClient => {
    let client = clients.get(sid);
    if (!client) {
      client = createOidcClient({ ...core, store: sessionView(store, sid), lock });
      if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!);
      clients.set(sid, client);
    }
    return client;
  };
  const sessionOf = (req: IncomingMessage): OidcClient | undefined => {
    const sid = cookieValue(req, cookieName);
    return sid && /^[A-Za-z0-9_-]{43}$/.test(sid) ? clientFor(sid) : undefined;
  };
  const setCookie = (res: ServerResponse, value: string, maxAge?: number): void =>
    appendSetCookie(res, `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`);
  const redirect = (res: ServerResponse, location: string): void => {
    res.writeHead(302, { location, 'cache-control': 'no-store' });
    res.end();
  };
  const requireSession = (req: IncomingMessage): OidcClient => {
    const client = sessionOf(req);
    if (!client) throw new AudienceError('ERR_LOGIN_REQUIRED', 'No session cookie: sign in first');
    return client;
  };

  // Validate the options once, now, rather than on the first request.
  resolveOptions({ ...core, store });

  return {
    async signIn(_req, res, signInOptions = {}) {
      const { returnTo, ...rest } = signInOptions;
      const sid = randomBytes(32).toString('base64url');
      const url = await clientFor(sid).buildSignInUrl({ ...rest, appState: { returnTo: returnTo ?? '/' } });
      setCookie(res, sid);
      redirect(res, url.href);
    },
    async handleCallback(req) {
      const client = sessionOf(req);
      if (!client) throw new AudienceError('ERR_CALLBACK', 'The callback came without the session cookie set at sign-in');
      const { claims, appState } = await client.handleCallback(new URL(req.url ?? '/', appOrigin));
      return { claims, returnTo: sameOriginPath((appState as { returnTo?: unknown } | undefined)?.returnTo, appOrigin) };
    },
    async getUser(req) {
      const client = sessionOf(req);
      return client && (await client.isAuthenticated()) ? client.getIdTokenClaims() : undefined;
    },
    getAccessToken: async (req, resource, tokenOptions) => requireSession(req).getAccessToken(resource, tokenOptions),
    fetchUserInfo: async (req) => requireSession(req).fetchUserInfo(),
    async signOut(req, res) {
      const sid = cookieValue(req, cookieName);
      const client = sessionOf(req);
      const url = client ? await client.signOut() : undefined;
      if (sid) clients.delete(sid);
      setCookie(res, '', 0);
      redirect(res, url?.href ?? options.postLogoutRedirectUri ?? '/');
    },
  };
}
