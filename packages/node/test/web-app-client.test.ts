import { IncomingMessage, ServerResponse, createServer, type Server } from 'node:http';
import { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, WEBAPP_SECRET, startDevServer, walkSignIn, type DevServer } from '@audience/dev-server';
import { createWebAppClient, isAudienceError, type KeyValueStore, type WebAppClient, type WebAppClientOptions } from '@audience/node';
import { decodeJwt, systemClock } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

let idp: DevServer;
let app: Server;
let origin: string;
let webapp: WebAppClient;
let clock: ReturnType<typeof systemClock>;

beforeAll(async () => {
  app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const route = async (): Promise<void> => {
      if (url.pathname === '/login') return webapp.signIn(req, res, { loginHint: url.searchParams.get('user') ?? 'alice', returnTo: url.searchParams.get('returnTo') ?? '/me' });
      if (url.pathname === '/callback') {
        const { returnTo } = await webapp.handleCallback(req, res);
        res.writeHead(302, { location: returnTo }).end();
        return;
      }
      if (url.pathname === '/logout') return webapp.signOut(req, res);
      const user = await webapp.getUser(req);
      if (!user) {
        res.writeHead(401).end();
        return;
      }
      const token = await webapp.getAccessToken(req, API_RESOURCE);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: user.sub, token }));
    };
    route().catch((err: unknown) => res.writeHead(isAudienceError(err) ? 400 : 500).end(String(err)));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  idp = await startDevServer({ interactionMode: 'auto', webappRedirectUris: [`${origin}/callback`], postLogoutRedirectUris: [`${origin}/`] });
  webapp = createWebAppClient({
    issuer: idp.issuer,
    clientId: CLIENTS.webapp,
    clientSecret: WEBAPP_SECRET,
    redirectUri: `${origin}/callback`,
    postLogoutRedirectUri: `${origin}/`,
    scopes: ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read'],
    resources: [API_RESOURCE, BILLING_RESOURCE],
    cookie: { secure: false },
    dangerouslyAllowInsecureHttp: true,
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await idp.close();
});
beforeEach(() => {
  clock = systemClock();
});
afterEach(() => clock.restore());

const COOKIE = /^audience_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/;

/** Starts a sign-in at the app: the pending session's cookie and the authorization URL. */
async function startSignIn(user: string, returnTo = '/me'): Promise<{ cookie: string; authorizationUrl: string }> {
  const login = await fetch(`${origin}/login?user=${user}&returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
  const setCookie = login.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(COOKIE);
  return { cookie: setCookie.split(';')[0]!, authorizationUrl: login.headers.get('location')! };
}

/** Completes a sign-in at the app's callback with the given cookie; returns the answer. */
async function completeSignIn(authorizationUrl: string, cookie: string): Promise<Response> {
  const callback = await walkSignIn(authorizationUrl);
  expect(callback.origin).toBe(origin);
  return fetch(callback, { redirect: 'manual', headers: { cookie } });
}

/** A browser: signs in through the app and the dev server, and returns the app's session cookie. */
async function browserSignIn(user: string): Promise<string> {
  const { cookie, authorizationUrl } = await startSignIn(user);
  const back = await completeSignIn(authorizationUrl, cookie);
  expect(back.status).toBe(302);
  expect(back.headers.get('location')).toBe('/me');
  const setCookie = back.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(COOKIE);
  return setCookie.split(';')[0]!;
}

const logout = (cookie: string, headers: Record<string, string> = {}, method = 'POST') =>
  fetch(`${origin}/logout`, { method, redirect: 'manual', headers: { cookie, ...headers } });

const me = async (cookie: string) => (await fetch(`${origin}/me`, { headers: { cookie } })).json() as Promise<{ sub: string; token: string }>;

describe('createWebAppClient', () => {
  it('keeps two users\' sessions apart, with only a random id in an HttpOnly cookie', async () => {
    const alice = await browserSignIn('alice');
    const bob = await browserSignIn('bob');
    const [a, b] = await Promise.all([me(alice), me(bob)]);
    expect(a.sub).toBe('alice');
    expect(b.sub).toBe('bob');
    expect(decodeJwt(a.token)).toMatchObject({ sub: 'alice', aud: API_RESOURCE });
    expect(decodeJwt(b.token)).toMatchObject({ sub: 'bob', aud: API_RESOURCE });
    expect((await fetch(`${origin}/me`)).status).toBe(401);
  });

  it('20 parallel requests of one session after expiry make one refresh', async () => {
    const cookie = await browserSignIn('alice');
    const first = await me(cookie);
    clock.advance(700); // past the 600 s access-token lifetime
    idp.control.clearLog();
    const results = await Promise.all(Array.from({ length: 20 }, () => me(cookie)));
    const refreshes = idp.control.requests('token').filter((r) => r.grantType === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toMatchObject({ status: 200, resource: API_RESOURCE });
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(results[0]!.token).not.toBe(first.token);
  });

  it('signs out: revokes, deletes the session and clears the cookie', async () => {
    const cookie = await browserSignIn('alice');
    idp.control.clearLog();
    const out = await logout(cookie, { origin });
    expect(out.status).toBe(302);
    expect(new URL(out.headers.get('location')!).pathname).toBe('/session/end');
    expect(out.headers.get('set-cookie')).toMatch(/^audience_session=; .*Max-Age=0/);
    expect(idp.control.requests('revocation').map((r) => r.status)).toEqual([200]);
    expect((await fetch(`${origin}/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('the session id is replaced at the callback: a cookie planted by an attacker does not own the victim\'s session', async () => {
    // The attacker starts a sign-in and plants its pending cookie in the victim's browser; the victim signs in.
    const { cookie: planted, authorizationUrl } = await startSignIn('bob');
    const back = await completeSignIn(authorizationUrl, planted);
    expect(back.status).toBe(302);
    const fresh = (back.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(fresh).toMatch(/^audience_session=[\w-]{43}$/);
    expect(fresh).not.toBe(planted);
    expect((await me(fresh)).sub).toBe('bob');
    expect((await fetch(`${origin}/me`, { headers: { cookie: planted } })).status).toBe(401);
  });

  it('a returnTo that normalises to another host (/.//evil.example/phish) is answered with Location /', async () => {
    const { cookie, authorizationUrl } = await startSignIn('alice', '/.//evil.example/phish');
    const back = await completeSignIn(authorizationUrl, cookie);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/');
  });

  it.each(['%E0%A4%A', '%', 'a%ZZ'])('a malformed cookie value (%s) is no session: 401, not 500', async (value) => {
    expect((await fetch(`${origin}/me`, { headers: { cookie: `audience_session=${value}` } })).status).toBe(401);
  });

  it('sign-out only by POST from the app itself: GET → 405, another site → 403, the session unchanged', async () => {
    const cookie = await browserSignIn('alice');
    idp.control.clearLog();
    expect((await logout(cookie, {}, 'GET')).status).toBe(405);
    expect((await logout(cookie, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await logout(cookie, { 'sec-fetch-site': 'cross-site', origin })).status).toBe(403);
    expect((await logout(cookie, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect(idp.control.requests('revocation')).toHaveLength(0);
    expect((await me(cookie)).sub).toBe('alice');
    expect((await logout(cookie, { 'sec-fetch-site': 'same-origin', origin })).status).toBe(302);
    expect((await fetch(`${origin}/me`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('createWebAppClient defaults and bounds', () => {
  const response = () => new ServerResponse(new IncomingMessage(new Socket()));
  const request = () => new IncomingMessage(new Socket());
  const options = (overrides: Partial<WebAppClientOptions> = {}): WebAppClientOptions => ({
    issuer: idp.issuer,
    clientId: CLIENTS.webapp,
    clientSecret: WEBAPP_SECRET,
    redirectUri: `${origin}/callback`,
    dangerouslyAllowInsecureHttp: true,
    ...overrides,
  });

  it('with secure cookies (the default) the cookie is a __Host- cookie', async () => {
    const res = response();
    await createWebAppClient(options()).signIn(request(), res);
    expect(res.getHeader('set-cookie')).toEqual([expect.stringMatching(/^__Host-audience_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/)]);
  });

  it('a cookie that is not a session id (43 base64url characters) never reaches the session store', async () => {
    const reads: string[] = [];
    const keys = new Map<string, unknown>();
    const sessionStore: KeyValueStore = {
      get: async (key) => (reads.push(key), keys.get(key) as never),
      set: async (key, value) => void keys.set(key, value),
      delete: async (key) => void keys.delete(key),
    };
    const app = createWebAppClient(options({ sessionStore, cookie: { secure: false } }));
    const id = 'A'.repeat(43);
    for (const value of [id.slice(1), `${id}A`, `${id.slice(0, 42)}.`, `${id.slice(0, 40)}%3A..`, '../../../session', `${id.slice(0, 35)}%3Asession`]) {
      const req = request();
      req.headers.cookie = `audience_session=${value}`;
      expect(await app.getUser(req)).toBeUndefined();
      await expect(app.getAccessToken(req, API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reads).toEqual([]);
    const req = request();
    req.headers.cookie = `audience_session=${id}`;
    expect(await app.getUser(req)).toBeUndefined();
    expect(reads).toContain(`${id}:session`);
  });

  it.each([
    ['client_secret_post', () => ({ clientId: CLIENTS.webapp, clientSecret: WEBAPP_SECRET, tokenEndpointAuthMethod: 'client_secret_post' as const })],
    ['private_key_jwt', () => ({ clientId: CLIENTS.webappJwt, privateKey: idp.serviceJwtPrivateKey })],
  ])('signs in and refreshes with %s, like the service client', async (_method, credentials) => {
    const { clientSecret: _secret, ...base } = options({ cookie: { secure: false }, resources: [API_RESOURCE], scopes: ['openid', 'offline_access', 'read'] });
    const app = createWebAppClient({ ...base, ...credentials() } as WebAppClientOptions);
    const login = response();
    await app.signIn(request(), login, { loginHint: 'bob' });
    const pending = String((login.getHeader('set-cookie') as string[])[0]).split(';')[0]!;
    const callbackUrl = await walkSignIn(String(login.getHeader('location')));
    const callback = request();
    callback.url = `${callbackUrl.pathname}${callbackUrl.search}`;
    callback.headers.cookie = pending;
    const done = response();
    idp.control.clearLog();
    expect((await app.handleCallback(callback, done)).claims.sub).toBe('bob');
    const signedIn = request();
    signedIn.headers.cookie = String((done.getHeader('set-cookie') as string[])[0]).split(';')[0]!;
    expect(decodeJwt(await app.getAccessToken(signedIn, API_RESOURCE))).toMatchObject({ sub: 'bob', aud: API_RESOURCE });
    expect(idp.control.requests('token').map((r) => [r.grantType, r.status, r.clientId])).toEqual([
      ['authorization_code', 200, credentials().clientId],
      ['refresh_token', 200, credentials().clientId],
    ]);
  });

  it('works with Fetch API Request/Response (Hono, Next.js route handlers, Remix, SvelteKit, Deno, Bun), same cookie and session rules', async () => {
    const app = createWebAppClient(options({ cookie: { secure: false }, resources: [API_RESOURCE], scopes: ['openid', 'offline_access', 'read'] }));
    const login = await app.signIn(new Request(`${origin}/login`), { loginHint: 'alice', returnTo: '/.//evil.example/x' });
    expect(login.status).toBe(302);
    const [pending] = login.headers.getSetCookie();
    expect(pending).toMatch(COOKIE);
    const callbackUrl = await walkSignIn(login.headers.get('location')!);
    const { claims, returnTo, response } = await app.handleCallback(new Request(callbackUrl, { headers: { cookie: pending!.split(';')[0]! } }));
    expect(claims.sub).toBe('alice');
    expect(returnTo).toBe('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
    const session = response.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(session).not.toBe(pending!.split(';')[0]);
    const withSession = (init: RequestInit = {}) => new Request(`${origin}/me`, { ...init, headers: { cookie: session, ...(init.headers as Record<string, string>) } });
    expect(decodeJwt(await app.getAccessToken(withSession(), API_RESOURCE))).toMatchObject({ sub: 'alice', aud: API_RESOURCE });
    expect((await app.getUser(withSession()))?.sub).toBe('alice');
    expect((await app.signOut(withSession())).status).toBe(405);
    expect((await app.signOut(withSession({ method: 'POST', headers: { origin: 'https://evil.example' } }))).status).toBe(403);
    const out = await app.signOut(withSession({ method: 'POST', headers: { origin } }));
    expect(out.status).toBe(302);
    expect(out.headers.getSetCookie()[0]).toMatch(/^audience_session=; .*Max-Age=0/);
    expect(await app.getUser(withSession())).toBeUndefined();
  });

  it('5 000 unauthenticated /login hits: one discovery request, and pending sign-ins expire and are swept', async () => {
    let time = Date.now();
    const keys = new Map<string, unknown>();
    const sessionStore: KeyValueStore = {
      get: async (key) => keys.get(key) as never,
      set: async (key, value) => void keys.set(key, value),
      delete: async (key) => void keys.delete(key),
    };
    const app = createWebAppClient(options({ sessionStore, now: () => time }));
    idp.control.clearLog();
    for (let i = 0; i < 5_000; i++) await app.signIn(request(), response());
    expect(idp.control.requests('discovery')).toHaveLength(1);
    expect(idp.control.requests('jwks')).toHaveLength(0);
    expect(keys.size).toBe(5_000); // one pending transaction each, nothing else
    time += 16 * 60_000; // past the 15-minute life of a pending sign-in
    await app.signIn(request(), response());
    expect(keys.size).toBe(1);
  });
});
