// Example server-side web app: sign-in on the server; the browser only holds an HttpOnly session cookie.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebAppClient, isAudienceError } from '@audience/node';

const API = 'https://api.example.com';

export interface ExampleWebApp {
  readonly url: string;
  close(): Promise<void>;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><meta charset="utf-8"><title>Audience web app example</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2030}
.button{display:inline-block;padding:.5rem 1rem;border:0;border-radius:6px;background:#3b5bdb;color:#fff;font:inherit;text-decoration:none;cursor:pointer}
pre{background:#f1f3f5;padding:1rem;border-radius:6px;overflow:auto}</style>
<h1>Server-side web app</h1>${body}`);
}

/** Starts the example web app on 127.0.0.1 (its redirect URI must be registered at the server). */
export async function startExampleWebApp(options: { issuer: string; apiUrl: string; port?: number }): Promise<ExampleWebApp> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // a port in use is the caller's to report
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webapp = createWebAppClient({
    issuer: options.issuer,
    clientId: 'audience-webapp',
    clientSecret: 'dev-webapp-secret',
    redirectUri: `${origin}/callback`,
    postLogoutRedirectUri: `${origin}/`,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'read'],
    resources: [API],
    cookie: { secure: false }, // http://127.0.0.1 in development
    dangerouslyAllowInsecureHttp: true,
  });
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    void (async () => {
      if (path === '/login') return webapp.signIn(req, res, { returnTo: '/' });
      if (path === '/logout') return webapp.signOut(req, res);
      if (path === '/callback') {
        const { returnTo } = await webapp.handleCallback(req, res);
        res.writeHead(302, { location: returnTo }).end();
        return;
      }
      const user = await webapp.getUser(req);
      if (!user) return page(res, '<p>You are signed out.</p><p><a class="button" href="/login">Sign in</a></p>');
      // The ID token proves who signed in; profile claims come from userinfo (OpenID Connect Core §5.3).
      const profile = await webapp.fetchUserInfo(req);
      const token = await webapp.getAccessToken(req, API);
      const api = await fetch(`${options.apiUrl}/api/items`, { headers: { authorization: `Bearer ${token}` } });
      page(res, `<p>Signed in as <strong>${escape(String(profile.name ?? user.sub))}</strong> (<code>${escape(user.sub)}</code>).</p>
<h2>GET /api/items with the session's token for ${API}</h2><pre id="api">${escape(JSON.stringify(await api.json(), null, 2))}</pre>
<form method="post" action="/logout"><button class="button" type="submit">Sign out</button></form>`);
    })().catch((err: unknown) => {
      const signIn = '<p><a class="button" href="/login">Sign in</a></p>';
      if (isAudienceError(err, 'ERR_LOGIN_REQUIRED')) return page(res, `<p>Your session ended (restarting the demo ends every session).</p>${signIn}`);
      if (isAudienceError(err, 'ERR_CALLBACK') && err.error === 'access_denied') return page(res, `<p>Sign-in cancelled.</p>${signIn}`);
      const status = !isAudienceError(err) ? 500 : err.code === 'ERR_NETWORK' || err.code === 'ERR_SERVER_RESPONSE' ? 503 : 400;
      const what = isAudienceError(err) ? `${err.code}: ${err.message}` : 'An unexpected error; see the server log.';
      if (!isAudienceError(err)) console.error(err);
      page(res, `<p>Something went wrong.</p><pre>${escape(what)}</pre>${signIn}`, status);
    });
  });
  return { url: origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
