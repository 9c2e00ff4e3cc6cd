import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, WEBAPP_SECRET, startDevServer, walkSignIn, type DevServer } from '@audience/dev-server';
import { createWebAppClient, isAudienceError, type WebAppClient } from '@audience/node';
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
      if (url.pathname === '/login') return webapp.signIn(req, res, { loginHint: url.searchParams.get('user') ?? 'alice', returnTo: '/me' });
      if (url.pathname === '/callback') {
        const { returnTo } = await webapp.handleCallback(req);
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

/** A browser: signs in through the app and the dev server, and returns the app's session cookie. */
async function browserSignIn(user: string): Promise<string> {
  const login = await fetch(`${origin}/login?user=${user}`, { redirect: 'manual' });
  const setCookie = login.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^audience_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  const cookie = setCookie.split(';')[0]!;
  const callback = await walkSignIn(login.headers.get('location')!);
  expect(callback.origin).toBe(origin);
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
  expect(back.status).toBe(302);
  expect(back.headers.get('location')).toBe('/me');
  return cookie;
}

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
    const out = await fetch(`${origin}/logout`, { redirect: 'manual', headers: { cookie } });
    expect(out.status).toBe(302);
    expect(new URL(out.headers.get('location')!).pathname).toBe('/session/end');
    expect(out.headers.get('set-cookie')).toMatch(/^audience_session=; .*Max-Age=0/);
    expect(idp.control.requests('revocation').map((r) => r.status)).toEqual([200]);
    expect((await fetch(`${origin}/me`, { headers: { cookie } })).status).toBe(401);
  });
});
