import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, startDevServer, type DevServer } from '@audience/dev-server';
import { startExampleApi, type ExampleApi } from '../../../examples/api/src/index.js';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { SOURCE_ALIASES, startReactPage, type PageServer } from './support/react-page.js';

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.dispose());

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(url);
  return page;
}

describe('@audience/react hooks in real Chromium (StrictMode)', () => {
  let idp: DevServer;
  let page: PageServer;
  const tokens = (idpServer: DevServer, grant: string) => idpServer.control.requests('token').filter((r) => r.grantType === grant);
  const text = (tab: Page, id: string) => tab.textContent(`#${id}`);

  beforeAll(async () => {
    let issuer = '';
    page = await startReactPage((origin) => ({
      issuer,
      clientId: CLIENTS.spa,
      scopes: ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read'],
      resources: [API_RESOURCE, BILLING_RESOURCE],
      postLogoutRedirectUri: `${origin}/`,
      dangerouslyAllowInsecureHttp: true,
      api: API_RESOURCE,
      billing: BILLING_RESOURCE,
    }));
    idp = await startDevServer({ interactionMode: 'auto', spaRedirectUris: [`${page.origin}/callback`], postLogoutRedirectUris: [`${page.origin}/`] });
    issuer = idp.issuer;
  });
  afterAll(async () => {
    await page?.close();
    await idp?.close();
  });

  let first: Page;
  it('RequireAuth signs in once (1 code exchange), then two useAccessToken(api) and one useAccessToken(billing) make one token request per resource', async () => {
    first = await open(`${page.origin}/start?guard=1&x=1`);
    await first.waitForFunction(() => document.querySelector('#billing')?.textContent?.startsWith('eyJ'));
    await first.waitForFunction(() => document.querySelector('#api-2')?.textContent?.startsWith('eyJ'));
    expect(first.url()).toBe(`${page.origin}/start?guard=1&x=1`);
    expect(tokens(idp, 'authorization_code').map((r) => r.status)).toEqual([200]);
    expect(tokens(idp, 'refresh_token').map((r) => r.resource).sort()).toEqual([API_RESOURCE, BILLING_RESOURCE]);
    const [api1, api2, billing] = [await text(first, 'api-1'), await text(first, 'api-2'), await text(first, 'billing')];
    expect(api1).toBe(api2);
    expect(decodeJwt(api1!)['aud']).toBe(API_RESOURCE);
    expect(decodeJwt(billing!)['aud']).toBe(BILLING_RESOURCE);
    expect(await text(first, 'status')).toBe('signed-in alice');
  });

  it('tokens expired: the components re-render with new tokens after one refresh per resource', async () => {
    const before = await text(first, 'api-1');
    const beforeBilling = await text(first, 'billing');
    idp.control.clearLog();
    await first.evaluate(async () => {
      await window.app.expireTokens();
      await window.app.auth.reload();
    });
    await first.waitForFunction((old) => document.querySelector('#api-1')?.textContent !== old, before);
    await first.waitForFunction((old) => document.querySelector('#billing')?.textContent !== old, beforeBilling);
    await first.waitForFunction(() => document.querySelector('#api-2')?.textContent === document.querySelector('#api-1')?.textContent);
    expect(tokens(idp, 'refresh_token').map((r) => [r.resource, r.status]).sort()).toEqual([[API_RESOURCE, 200], [BILLING_RESOURCE, 200]]);
    expect(decodeJwt((await text(first, 'api-1'))!)['aud']).toBe(API_RESOURCE);
    // No loop: nothing more is requested once the new tokens are shown.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tokens(idp, 'refresh_token')).toHaveLength(2);
  });

  it('sign-out in another tab: every component shows signed-out', async () => {
    // The first tab's RequireAuth would sign in again at once (auto-approving server): close it first.
    await first.close();
    const watcher = await open(`${page.origin}/`);
    await watcher.waitForFunction(() => document.querySelector('#api-1')?.textContent?.startsWith('eyJ'));
    const other = await open(`${page.origin}/`);
    await other.waitForFunction(() => document.querySelector('#status')?.textContent === 'signed-in alice');
    await other.evaluate(() => void window.app.auth.signOut());
    for (const id of ['api-1', 'api-2', 'billing']) {
      await watcher.waitForFunction((selector) => document.querySelector(selector)?.textContent === 'signed-out', `#${id}`);
    }
    expect(await text(watcher, 'status')).toBe('signed-out');
    // The signing-out tab is still on its way through the end-session endpoint: closing it mid-navigation can leave
    // Chromium's close unanswered, so let it arrive back at the app first.
    await other.waitForURL((url) => url.origin === page.origin);
    expect(await text(other, 'status')).toBe('signed-out');
    await Promise.all([watcher.close(), other.close()]);
  });
});

describe('the React example (examples/react-spa) against the dev server', () => {
  let idp: DevServer;
  let api: ExampleApi;
  let spa: Server;
  let origin: string;
  let dist: string;

  beforeAll(async () => {
    spa = createServer();
    await new Promise<void>((resolve) => spa.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(spa.address() as AddressInfo).port}`;
    idp = await startDevServer({ spaRedirectUris: [`${origin}/callback`], postLogoutRedirectUris: [`${origin}/`] });
    api = await startExampleApi({ issuer: idp.issuer, corsOrigins: [origin] });
    dist = await mkdtemp(join(tmpdir(), 'audience-react-spa-'));
    await build({
      root: fileURLToPath(new URL('../../../examples/react-spa', import.meta.url)),
      configFile: false,
      logLevel: 'error',
      esbuild: { jsx: 'automatic' },
      define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
      resolve: { alias: Object.entries(SOURCE_ALIASES).map(([name, path]) => ({ find: new RegExp(`^${name}$`), replacement: path })) },
      build: { outDir: dist, emptyOutDir: true },
    });
    spa.on('request', (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const file = path.startsWith('/assets/') ? join(dist, path) : join(dist, 'index.html');
      res.writeHead(200, { 'content-type': { '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'text/html' });
      createReadStream(file).pipe(res);
    });
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => spa?.close(() => resolve()));
    await api?.close();
    await idp?.close();
    await rm(dist, { recursive: true, force: true });
  });

  let tab: Page;
  it('Cancel on the login page comes back as a neutral "Sign-in cancelled."', async () => {
    tab = await open(`${origin}/`);
    await tab.click('#sign-in');
    await tab.waitForURL(`${idp.issuer}/interaction/**`);
    await tab.click('text=Cancel');
    await tab.waitForSelector('#error');
    expect(await tab.textContent('#error')).toBe('Sign-in cancelled.');
    expect(await tab.getAttribute('#error', 'class')).toBe('notice');
    expect(new URL(tab.url()).search).toBe('');
  });

  it('StrictMode sign-in through the real login page: exactly 1 code exchange, a clean address bar, the app at returnTo', async () => {
    await tab.goto(`${origin}/welcome?from=test`);
    idp.control.clearLog();
    await tab.click('#sign-in');
    await tab.waitForURL(`${idp.issuer}/interaction/**`);
    await tab.fill('#username', 'alice');
    await tab.fill('#password', 'alice');
    await tab.click('button[type=submit]');
    await tab.click('text=Allow');
    await tab.waitForSelector('#signed-in');
    await tab.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('signed in as '));
    expect(tab.url()).toBe(`${origin}/welcome?from=test`);
    expect(idp.control.requests('token').filter((r) => r.grantType === 'authorization_code').map((r) => r.status)).toEqual([200]);
    expect(await tab.textContent('#claims')).toContain('"sub": "alice"');
    await tab.click('#userinfo');
    await tab.waitForFunction(() => document.querySelector('#userinfo-result')?.textContent?.includes('Alice Example'));
  });

  it('createAuthorizedFetch: a 401 invalid_token is retried once with a new token; a 403 passes through untouched', async () => {
    const result = async (call: number): Promise<string> => {
      await tab.waitForFunction((n) => document.querySelector('#api-result')?.textContent?.includes(`"call": ${n},`), call);
      return (await tab.textContent('#api-result'))!;
    };
    await tab.click('#call-api');
    expect(await result(1)).toContain('"status": 200');
    idp.control.clearLog();
    api.rejectNext(1, 401);
    await tab.click('#call-api');
    expect(await result(2)).toContain('"status": 200');
    // The rejected token was dropped and exactly one new one fetched for the retry.
    expect(idp.control.requests('token').map((r) => [r.grantType, r.resource, r.status])).toEqual([['refresh_token', API_RESOURCE, 200]]);

    idp.control.clearLog();
    api.rejectNext(1, 403);
    await tab.click('#call-api');
    const forbidden = await result(3);
    expect(forbidden).toContain('"status": 403');
    expect(forbidden).toContain('insufficient_scope');
    expect(idp.control.requests('token')).toHaveLength(0); // no retry, no new token
  });

  it('sign-out ends the login at the server and leaves a clean address bar', async () => {
    await tab.click('#sign-out');
    await tab.waitForURL((url) => url.origin === origin && url.pathname === '/');
    await tab.waitForSelector('#sign-in');
    expect(new URL(tab.url()).search).toBe('');
    await tab.click('#sign-in');
    await tab.waitForSelector('#password'); // the server asks for the password again
    await tab.close();
  });
});
