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
  type LockFn,
  type OidcClient,
  type SignInOptions,
  type UserInfo,
  SESSION_KEY,
  TRANSACTION_TTL_MS,
  assertOidcClientOptions,
  sameOriginPath,
} from '@audience/core';

import { clientAuth, type ClientCredentials } from './client-authentication.js';
import { issuerContextOf, requireString, type ServerSideOptions } from './service-options.js';

/** Options of {@link createWebAppClient}. */
export interface WebAppClientOptions extends ServerSideOptions, ClientCredentials {
  readonly clientId: string;
  /** This app's callback URL; its origin is the app's origin. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri?: string;
  readonly scopes?: readonly string[];
  readonly resources?: readonly string[];
  /** Where sessions live, keyed by session id; default in memory. Give it a TTL in production (Redis, a database). */
  readonly sessionStore?: KeyValueStore;
  /** Held around every write of a session and every use of its refresh token; pass a distributed lock to share sessions between processes. */
  readonly lock?: LockFn;
  readonly cookie?: {
    /** Default `__Host-audience_session` when `secure` (the browser then refuses it from a subdomain or over http), else `audience_session`. */
    readonly name?: string;
    /** Default true; set false only for http://localhost development. */
    readonly secure?: boolean;
  };
}

/** A server-side web app's sign-in and per-session tokens; the browser holds only an HttpOnly session cookie. */
export interface WebAppClient {
  /**
   * Starts a sign-in in a new pending session (a fresh random id in the cookie) and redirects (302).
   *
   * @param req - the request.
   * @param res - the response; this method ends it.
   * @param options - sign-in options and the same-origin path to return to.
   * @throws {AudienceError} `ERR_INVALID_OPTION`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE`.
   * @see RFC 6749 §4.1.1, RFC 7636
   */
  signIn(req: IncomingMessage, res: ServerResponse, options?: WebAppSignInOptions): Promise<void>;
  /**
   * The same for Fetch API frameworks (Hono, Next.js route handlers, Remix, SvelteKit, Deno, Bun).
   *
   * @param request - the request.
   * @param options - sign-in options and the same-origin path to return to.
   * @returns the 302 answer, with the pending session's cookie.
   * @throws {AudienceError} `ERR_INVALID_OPTION`, `ERR_NETWORK`, `ERR_SERVER_RESPONSE`.
   */
  signIn(request: Request, options?: WebAppSignInOptions): Promise<Response>;
  /**
   * Completes the sign-in on the redirect URI (code exchange with the client secret, ID token validation), and
   * issues a **new** session id in the cookie: the id the sign-in started with never names a signed-in session, so a
   * cookie planted by an attacker (session fixation) is worth nothing. The caller then redirects to `returnTo`.
   *
   * @param req - the callback request.
   * @param res - the response, which gets the new session cookie (not ended).
   * @returns the same-origin path to return to, and the ID token claims.
   * @throws {AudienceError} `ERR_CALLBACK` (also without the cookie of a pending sign-in), `ERR_ID_TOKEN`,
   *   `ERR_NETWORK`, `ERR_SERVER_RESPONSE`.
   * @see RFC 6749 §4.1.2, §10.12, RFC 9207
   */
  handleCallback(req: IncomingMessage, res: ServerResponse): Promise<{ readonly returnTo: string; readonly claims: IdTokenClaims }>;
  /**
   * The same for Fetch API frameworks.
   *
   * @param request - the callback request.
   * @returns `returnTo`, the claims, and `response`: a 302 to `returnTo` carrying the new session cookie.
   * @throws {AudienceError} as the node:http form.
   */
  handleCallback(request: Request): Promise<{ readonly returnTo: string; readonly claims: IdTokenClaims; readonly response: Response }>;
  /**
   * @param req - the request.
   * @returns the signed-in user's ID token claims, or undefined without a live session.
   */
  getUser(req: IncomingMessage | Request): Promise<IdTokenClaims | undefined>;
  /**
   * The session's access token for a resource (or the userinfo token); one refresh at a time per session, however
   * many requests of that session arrive together.
   *
   * @param req - the request.
   * @param resource - the API's resource indicator.
   * @param options - `scopes`, `forceRefresh`.
   * @returns the access token.
   * @throws {AudienceError} as `OidcClient.getAccessToken`; `ERR_LOGIN_REQUIRED` without a session.
   * @see RFC 8707 §2.2
   */
  getAccessToken(req: IncomingMessage | Request, resource?: string, options?: GetAccessTokenOptions): Promise<string>;
  /**
   * @param req - the request.
   * @returns the userinfo claims of the session's user.
   * @throws {AudienceError} as `OidcClient.fetchUserInfo`.
   * @see OpenID Connect Core §5.3
   */
  fetchUserInfo(req: IncomingMessage | Request): Promise<UserInfo>;
  /**
   * Signs out, for a `POST` from this app's own pages only (a cross-site form or link cannot sign the user out):
   * revokes the refresh token, deletes the session, clears the cookie and redirects to the end-session endpoint.
   * Anything else is answered 405 (not POST) or 403 (another origin) and changes nothing.
   *
   * @param req - the request.
   * @param res - the response; this method ends it.
   * @see RFC 7009, OpenID Connect RP-Initiated Logout 1.0, https://www.w3.org/TR/fetch-metadata/
   */
  signOut(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * The same for Fetch API frameworks.
   *
   * @param request - the request.
   * @returns the answer: 302 to the end-session endpoint with the cookie cleared, or 405 / 403.
   */
  signOut(request: Request): Promise<Response>;
}

/** Options of `signIn`. */
export type WebAppSignInOptions = Omit<SignInOptions, 'appState'> & { readonly returnTo?: string };

/** A request of either kind the web app takes. */
type AnyRequest = IncomingMessage | Request;

/** What a method answers, before it is written to a ServerResponse or made a Response. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body?: string;
}

function headerOf(req: AnyRequest, name: string): string | undefined {
  if (req instanceof Request) return req.headers.get(name) ?? undefined;
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function write(answer: Answer, res: ServerResponse): void {
  const existing = res.getHeader('set-cookie');
  const cookies = [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), ...answer.cookies];
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function toResponse(answer: Answer): Response {
  const headers = new Headers(answer.headers);
  for (const cookie of answer.cookies) headers.append('set-cookie', cookie);
  return new Response(answer.body ?? null, { status: answer.status, headers });
}

const MAX_CACHED_CLIENTS = 1000;
/** Pending sign-ins kept at most; past it the oldest is dropped (a flood of /login hits stays bounded). */
const MAX_PENDING_SIGN_INS = 10_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function cookieValue(req: AnyRequest, name: string): string | undefined {
  for (const part of (headerOf(req, 'cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a malformed value (%E0%A4%A) is no session, not a 500
    }
  }
  return undefined;
}

const newSessionId = (): string => randomBytes(32).toString('base64url');

/**
 * Creates the client of a server-side web app (a confidential client): auth code + PKCE on the server, sessions in a
 * pluggable server-side store, and an HttpOnly, SameSite=Lax session cookie holding only a random id. All sessions
 * share one issuer context (one discovery, one JWKS cache).
 *
 * @param options - issuer, client credentials, redirect URIs and session settings.
 * @returns the web-app client.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 * @see OpenID Connect Core §3.1, RFC 6265bis (cookies)
 */
export function createWebAppClient(options: WebAppClientOptions): WebAppClient {
  // The same client authentication as the service client: client_secret_basic, client_secret_post, private_key_jwt.
  const clientAuthentication = clientAuth(options);
  const store = options.sessionStore ?? createMemoryStore();
  const secure = options.cookie?.secure ?? true;
  const cookieName = options.cookie?.name ?? (secure ? '__Host-audience_session' : 'audience_session');
  const appOrigin = new URL(requireString(options.redirectUri, 'options.redirectUri')).origin;
  const sharedLock = options.lock ?? createInProcessLock();
  const issuer = issuerContextOf(options);
  const { now } = issuer;
  const clients = new Map<string, OidcClient>();
  const {
    cookie: _cookie,
    sessionStore: _store,
    lock: _lock,
    fetch: _fetch,
    now: _now,
    timeoutMs: _timeout,
    dangerouslyAllowInsecureHttp: _insecure,
    clientSecret: _secret,
    privateKey: _key,
    tokenEndpointAuthMethod: _method,
    ...rest
  } = options;
  const core = { ...rest, clientAuthentication };
  /** Store keys of pending sign-ins (their transactions), with when they were written. */
  const pending = new Map<string, number>();

  const forget = (key: string): void => {
    pending.delete(key);
    void store.delete(key).catch(() => undefined);
  };
  const sweep = (): void => {
    const expired = now() - TRANSACTION_TTL_MS;
    for (const [key, at] of pending) {
      if (at > expired && pending.size < MAX_PENDING_SIGN_INS) break; // oldest first: the rest are newer
      forget(key);
    }
  };

  /**
   * A client whose transactions live under the pending id and whose session lives under the session id; the lock is
   * per session, so one user's refresh never waits for another's.
   */
  const makeClient = (pendingId: string, sid: string): OidcClient => {
    const keyOf = (key: string): string => (key === SESSION_KEY ? `${sid}:${key}` : `${pendingId}:${key}`);
    const view: KeyValueStore = {
      get: (key) => store.get(keyOf(key)),
      async set(key, value, setOptions) {
        await store.set(keyOf(key), value, setOptions);
        if (key !== SESSION_KEY) pending.set(keyOf(key), now());
      },
      async delete(key) {
        pending.delete(keyOf(key));
        await store.delete(keyOf(key));
      },
    };
    return createOidcClient({ ...core, issuer, store: view, lock: (name, fn) => sharedLock(`${name}:${sid}`, fn) });
  };
  const clientFor = (sid: string): OidcClient => {
    let client = clients.get(sid);
    if (!client) {
      client = makeClient(sid, sid);
      if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!);
      clients.set(sid, client);
    }
    return client;
  };
  const sessionIdOf = (req: AnyRequest): string | undefined => {
    const sid = cookieValue(req, cookieName);
    return sid !== undefined && SESSION_ID.test(sid) ? sid : undefined;
  };
  const sessionOf = (req: AnyRequest): OidcClient | undefined => {
    const sid = sessionIdOf(req);
    return sid === undefined ? undefined : clientFor(sid);
  };
  const cookie = (value: string, maxAge?: number): string =>
    `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;
  const redirect = (location: string, cookies: string[]): Answer => ({ status: 302, headers: { location, 'cache-control': 'no-store' }, cookies });
  const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    cookies: [],
    body,
  });
  const requireSession = (req: AnyRequest): OidcClient => {
    const client = sessionOf(req);
    if (!client) throw new AudienceError('ERR_LOGIN_REQUIRED', 'No session cookie: sign in first');
    return client;
  };
  /** A state-changing request from this app's own pages: not from another site (Fetch Metadata, then Origin). */
  const sameOrigin = (req: AnyRequest): boolean => {
    const site = headerOf(req, 'sec-fetch-site');
    if (site !== undefined) return site === 'same-origin';
    const origin = headerOf(req, 'origin');
    return origin === undefined || origin === appOrigin;
  };

  const signIn = async (signInOptions: WebAppSignInOptions = {}): Promise<Answer> => {
    const { returnTo, ...rest } = signInOptions;
    sweep();
    const pendingId = newSessionId();
    const url = await makeClient(pendingId, pendingId).buildSignInUrl({ ...rest, appState: { returnTo: returnTo ?? '/' } });
    return redirect(url.href, [cookie(pendingId)]);
  };
  const handleCallback = async (req: AnyRequest) => {
    const pendingId = sessionIdOf(req);
    if (!pendingId) throw new AudienceError('ERR_CALLBACK', 'The callback came without the session cookie set at sign-in');
    // The signed-in session gets an id of its own, never the one the browser brought (session fixation).
    const sid = newSessionId();
    const { claims, appState } = await makeClient(pendingId, sid).handleCallback(new URL(req.url ?? '/', appOrigin));
    clients.delete(pendingId);
    return { claims, returnTo: sameOriginPath((appState as { returnTo?: unknown } | undefined)?.returnTo, appOrigin), cookie: cookie(sid) };
  };
  const signOut = async (req: AnyRequest): Promise<Answer> => {
    if (req.method !== 'POST') return text(405, 'Sign out with a POST from this site', { allow: 'POST' });
    if (!sameOrigin(req)) return text(403, 'Cross-site sign-out refused');
    const sid = sessionIdOf(req);
    const client = sid === undefined ? undefined : clientFor(sid);
    const url = client ? await client.signOut() : undefined;
    if (sid) clients.delete(sid);
    return redirect(url?.href ?? options.postLogoutRedirectUri ?? '/', [cookie('', 0)]);
  };

  // Validate the options once, now, rather than on the first request.
  assertOidcClientOptions({ ...core, issuer, store });

  return {
    signIn: (async (req: AnyRequest, resOrOptions?: ServerResponse | WebAppSignInOptions, maybeOptions?: WebAppSignInOptions) => {
      if (req instanceof Request) return toResponse(await signIn(resOrOptions as WebAppSignInOptions | undefined));
      write(await signIn(maybeOptions), resOrOptions as ServerResponse);
    }) as WebAppClient['signIn'],
    handleCallback: (async (req: AnyRequest, res?: ServerResponse) => {
      const { cookie: sessionCookie, ...result } = await handleCallback(req);
      if (req instanceof Request) return { ...result, response: toResponse(redirect(result.returnTo, [sessionCookie])) };
      const existing = res!.getHeader('set-cookie');
      res!.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), sessionCookie]);
      return result;
    }) as WebAppClient['handleCallback'],
    async getUser(req) {
      const client = sessionOf(req);
      return client && (await client.isAuthenticated()) ? client.getIdTokenClaims() : undefined;
    },
    getAccessToken: async (req, resource, tokenOptions) => requireSession(req).getAccessToken(resource, tokenOptions),
    fetchUserInfo: async (req) => requireSession(req).fetchUserInfo(),
    signOut: (async (req: AnyRequest, res?: ServerResponse) => {
      const answer = await signOut(req);
      if (req instanceof Request) return toResponse(answer);
      write(answer, res!);
    }) as WebAppClient['signOut'],
  };
}
