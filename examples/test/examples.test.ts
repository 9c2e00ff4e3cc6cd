// The examples are code: they type-check in `npm run typecheck` and run here, against the dev server.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENTS, SERVICE_SECRET, startDevServer, walkSignIn, type DevServer } from '@audience/dev-server';
import { createAuthorizedFetch, createServiceClient } from '@audience/node';
import { launchChromium } from '../../packages/browser/test/support/chromium.js';
import { startExampleApi, type ExampleApi } from '../api/src/index.js';
import { coreExample } from '../core/src/index.js';
import { startExampleService } from '../service/src/index.js';
import { startExampleWebApp, type ExampleWebApp } from '../webapp/src/index.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

let idp: DevServer;
let api: ExampleApi;
let webapp: ExampleWebApp;
let spa: Server;
let spaOrigin: string;
let spaDist: string;

/** Serves the built SPA; unknown paths get index.html (the /callback route). */
function serveStatic(root: string): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = path.startsWith('/assets/') ? join(root, path) : join(root, 'index.html');
    const type = { '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'text/html';
    res.writeHead(200, { 'content-type': type });
    createReadStream(file).pipe(res);
  });
}

beforeAll(async () => {
  spa = createServer();
  await new Promise<void>((resolve) => spa.listen(0, '127.0.0.1', resolve));
  spaOrigin = `http://127.0.0.1:${(spa.address() as AddressInfo).port}`;
  const webappServer = createServer();
  await new Promise<void>((resolve) => webappServer.listen(0, '127.0.0.1', resolve));
  const webappPort = (webappServer.address() as AddressInfo).port;
  await new Promise<void>((resolve) => webappServer.close(() => resolve()));

  idp = await startDevServer({
    interactionMode: 'auto',
    spaRedirectUris: [`${spaOrigin}/callback`, 'http://127.0.0.1:5173/callback'],
    webappRedirectUris: [`http://127.0.0.1:${webappPort}/callback`],
    postLogoutRedirectUris: [`${spaOrigin}/`],
  });
  api = await startExampleApi({ issuer: idp.issuer, corsOrigins: [spaOrigin] });
  webapp = await startExampleWebApp({ issuer: idp.issuer, apiUrl: api.url, port: webappPort });

  spaDist = await mkdtemp(join(tmpdir(), 'audience-spa-'));
  await build({
    root: fileURLToPath(new URL('../spa', import.meta.url)),
    configFile: false,
    logLevel: 'error',
    define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
    resolve: {
      alias: [
        { find: /^@audience\/core$/, replacement: fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)) },
        { find: /^@audience\/browser$/, replacement: fileURLToPath(new URL('../../packages/browser/src/index.ts', import.meta.url)) },
      ],
    },
    build: { outDir: spaDist, emptyOutDir: true },
  });
  spa.on('request', serveStatic(spaDist).listeners('request')[0] as Parameters<Server['on']>[1]);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => spa?.close(() => resolve()));
  await webapp?.close();
  await api?.close();
  await idp?.close();
  if (spaDist) await rm(spaDist, { recursive: true, force: true });
});

describe('examples', () => {
  it('core: signs in, gets a JWT for the API and the userinfo', async () => {
    const { apiToken, userinfo, state } = await coreExample(idp.issuer, walkSignIn);
    const claims = JSON.parse(Buffer.from(apiToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://api.example.com', scope: 'read', sub: 'alice' });
    expect(userinfo).toMatchObject({ sub: 'alice', name: 'Alice Example' });
    expect(state).toMatchObject({ status: 'signed-in', claims: { sub: 'alice' } });
  });

  it('service: calls the API with a client-credentials token for its audience', async () => {
    const lines: string[] = [];
    const service = startExampleService({ issuer: idp.issuer, apiUrl: api.url, intervalMs: 60_000, log: (l) => lines.push(l) });
    try {
      expect(await service.tick()).toMatch(/got a token for https:\/\/api\.example\.com: valid \d+ s; GET \/api\/items → 200/);
      expect(await service.tick()).toMatch(/GET \/api\/items → 200; current token valid \d+ s more/);
      expect(lines).toHaveLength(1); // only the new token was logged; the rest once a minute
    } finally {
      service.stop();
    }
  });

  it('API: answers 401 without a token and 403 without the scope', async () => {
    expect((await fetch(`${api.url}/api/items`)).status).toBe(401);
    const service = createServiceClient({ issuer: idp.issuer, clientId: CLIENTS.service, clientSecret: SERVICE_SECRET, dangerouslyAllowInsecureHttp: true });
    const readOnly = await service.getAccessToken('https://api.example.com', { scopes: ['read'] });
    const headers = { authorization: `Bearer ${readOnly}` };
    expect((await fetch(`${api.url}/api/items`, { headers })).status).toBe(200);
    const write = await fetch(`${api.url}/api/items`, { method: 'POST', headers });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="write"/);
    expect((await fetch(`${api.url}/nope`, { headers })).status).toBe(404);
  });

  it('createAuthorizedFetch with the service client: a 401 invalid_token is retried once with a new token, a 403 passes through', async () => {
    const service = createServiceClient({ issuer: idp.issuer, clientId: CLIENTS.service, clientSecret: SERVICE_SECRET, dangerouslyAllowInsecureHttp: true });
    const items = createAuthorizedFetch(service, 'https://api.example.com', { scopes: ['read'], dangerouslyAllowInsecureHttp: true });
    expect((await items(`${api.url}/api/items`)).status).toBe(200);
    idp.control.clearLog();
    api.rejectNext(1, 401);
    const retried = await items(`${api.url}/api/items`);
    expect(retried.status).toBe(200);
    expect(idp.control.requests('token').map((r) => [r.grantType, r.status])).toEqual([['client_credentials', 200]]);
    idp.control.clearLog();
    api.rejectNext(1, 403);
    const forbidden = await items(`${api.url}/api/items`, { method: 'GET', headers: { accept: 'application/json' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    expect(idp.control.requests('token')).toHaveLength(0);
    await expect(createAuthorizedFetch(service, 'https://api.example.com')(`${api.url}/api/items`)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });

  it('web app: a failed callback is a small page with the sign-in link, not a plain-text error', async () => {
    const answer = await fetch(`${webapp.url}/callback?code=x&state=unknown`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('text/html');
    const html = await answer.text();
    expect(html).toContain('ERR_CALLBACK');
    expect(html).toContain('href="/login"');
  });

  it('web app: signs in on the server and shows the user and an API call', async () => {
    const login = await fetch(`${webapp.url}/login`, { redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const callback = await walkSignIn(login.headers.get('location')!);
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(back.headers.get('location')).toBe('/');
    const session = (back.headers.get('set-cookie') ?? '').split(';')[0]!; // a new id once signed in
    const home = await (await fetch(`${webapp.url}/`, { headers: { cookie: session } })).text();
    expect(home).toContain('Signed in as <strong>Alice Example</strong>');
    expect(home).toMatch(/&#34;aud&#34;: \[\s*&#34;https:\/\/api\.example\.com&#34;/);
    expect(home).toMatch(/&#34;sub&#34;: &#34;alice&#34;/);
    expect(home).toContain('<form method="post" action="/logout">');
    const out = await fetch(`${webapp.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session, origin: webapp.url } });
    expect(out.status).toBe(302);
    expect(await (await fetch(`${webapp.url}/`, { headers: { cookie: session } })).text()).toContain('You are signed out');
  });

  it('SPA: signs in in Chromium, fetches userinfo, and calls both APIs with their own JWTs', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${spaOrigin}/`);
      await page.click('#sign-in');
      await page.waitForSelector('#signed-in:not([hidden])');
      expect(new URL(page.url()).search).toBe('');
      expect(await page.textContent('#status')).toMatch(/^Signed in as /);
      await page.click('#userinfo');
      await page.waitForFunction(() => document.querySelector('#userinfo-result')!.textContent!.includes('alice'));
      for (const [button, aud] of [['#call-api', 'https://api.example.com'], ['#call-billing', 'https://billing.example.com']] as const) {
        await page.click(button);
        await page.waitForFunction((a) => document.querySelector('#api-result')!.textContent!.includes(`"aud": "${a}"`), aud);
        expect(await page.textContent('#api-result')).toContain('"status": 200');
      }
      await page.click('#sign-out');
      await page.waitForSelector('#signed-out:not([hidden])');
      await page.waitForFunction(() => location.search === '');
      expect(await page.textContent('#status')).toBe('Signed out');
    } finally {
      await browser.dispose();
    }
  });
});
