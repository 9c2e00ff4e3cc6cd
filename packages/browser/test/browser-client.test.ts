import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, startDevServer, type DevServer } from '@audience/dev-server';
import { launchChromium } from './support/chromium.js';
import { startSpaServer, type SpaServer } from './support/spa-server.js';
import { DOT_SEGMENT_ATTACKS, returnToArbitrary } from '../../core/test/return-to-cases.js';

const LOCK_TIMEOUT_MS = 1_500;
const ROUNDS = 20;

let idp: DevServer;
let spa: SpaServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function openTab(path = '/', init?: () => void): Promise<Page> {
  const page = await browser.newPage();
  if (init) await page.addInitScript(init);
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(spa.origin + path);
  await page.waitForFunction(() => 'app' in window);
  await page.evaluate(() => window.app.ready);
  return page;
}

/** Nothing of ours in localStorage, sessionStorage or cookies of the app's origin. */
async function expectNoWebStorage(pages: Page[]): Promise<void> {
  for (const page of pages) {
    expect(await page.evaluate(() => window.app.webStorage())).toEqual({ local: 0, session: 0, cookie: '' });
  }
}

const refreshes = () => idp.control.requests('token').filter((r) => r.grantType === 'refresh_token');

beforeAll(async () => {
  let issuer = '';
  spa = await startSpaServer((origin) => ({
    issuer,
    clientId: CLIENTS.spa,
    scopes: ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read'],
    resources: [API_RESOURCE, BILLING_RESOURCE],
    postLogoutRedirectUri: `${origin}/`,
    lockTimeoutMs: LOCK_TIMEOUT_MS,
    dangerouslyAllowInsecureHttp: true,
  }));
  idp = await startDevServer({ spaRedirectUris: [`${spa.origin}/callback`], postLogoutRedirectUris: [`${spa.origin}/`] });
  issuer = idp.issuer;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.dispose();
  await spa?.close();
  await idp?.close();
});

describe('@audience/browser in real Chromium against the dev server', () => {
  let tabs: Page[] = [];

  it('signs in through the login and consent pages, and leaves a clean address bar', async () => {
    const page = await openTab('/start');
    const sibling = await openTab('/');
    expect(await sibling.evaluate(() => window.app.states.at(-1))).toEqual({ status: 'signed-out', reason: 'no_session' });
    await expectNoWebStorage([page]);
    await page.click('#sign-in');
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Allow');
    await page.click('text=Allow');
    await page.waitForURL(`${spa.origin}/callback`);
    await page.evaluate(() => window.app.ready);
    expect(page.url()).toBe(`${spa.origin}/callback`); // no code, state or iss left
    expect(await page.textContent('#return-to')).toBe('/after?x=1');
    expect(await page.textContent('#status')).toBe('signed-in');
    await expectNoWebStorage([page]);
    // The tab that was already open learns of the sign-in through the BroadcastChannel.
    await sibling.waitForFunction(() => window.app.states.at(-1)?.status === 'signed-in');
    expect(await sibling.evaluate(() => window.app.states.at(-1)?.claims?.sub)).toBe('alice');
    tabs = [page, sibling];
  });

  it('a returnTo that normalises to another host (/.//evil.com) comes back from the redirect as /', async () => {
    const [page] = tabs;
    await page!.evaluate(() => void window.app.auth.signIn({ returnTo: '/.//evil.com/phish' }));
    await page!.waitForSelector('text=Allow');
    await page!.click('text=Allow');
    await page!.waitForURL(`${spa.origin}/callback`);
    await page!.evaluate(() => window.app.ready);
    expect(await page!.textContent('#return-to')).toBe('/');
    expect(await page!.textContent('#status')).toBe('signed-in');
  });

  it('no string ever yields a returnTo that resolves to another origin, in Chromium (property test)', async () => {
    const values = [...DOT_SEGMENT_ATTACKS, ...fc.sample(returnToArbitrary(fc), { numRuns: 20_000, seed: 8 })];
    const escaped = await tabs[0]!.evaluate((inputs) => {
      const origin = location.origin;
      const stays = (path: string): boolean =>
        path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') &&
        new URL(path, origin).origin === origin && new URL(path, `${origin}/deep/er/path?q=1`).origin === origin;
      return inputs.filter((value) => !stays(window.app.sameOriginPath(value, origin)));
    }, values);
    expect(escaped).toEqual([]);
  });

  it('keeps the session across a reload, with a JWT per resource and the userinfo token', async () => {
    const [page] = tabs;
    await page!.reload();
    await page!.waitForFunction(() => 'app' in window);
    await page!.evaluate(() => window.app.ready);
    expect(await page!.textContent('#status')).toBe('signed-in');
    const result = await page!.evaluate(async ([api]) => {
      const { auth } = window.app;
      return { api: await auth.getAccessToken(api), userinfoToken: await auth.getAccessToken(), info: await auth.fetchUserInfo() };
    }, [API_RESOURCE]);
    expect(decodeJwt(result.api)).toMatchObject({ aud: API_RESOURCE, sub: 'alice' });
    expect(result.userinfoToken.split('.')).toHaveLength(1);
    expect(result.info).toMatchObject({ sub: 'alice', name: 'Alice Example' });
    await expectNoWebStorage(tabs);
  });

  it(`five tabs racing for expired tokens make exactly one refresh per resource, ${ROUNDS} rounds`, async () => {
    while (tabs.length < 5) tabs.push(await openTab('/'));
    for (const tab of tabs) expect(await tab.textContent('#status')).toBe('signed-in');

    for (let round = 0; round < ROUNDS; round++) {
      await tabs[0]!.evaluate(() => window.app.expireTokens());
      await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.auth.reload())));
      idp.control.clearLog();
      const results = await Promise.all(
        tabs.map((tab) =>
          tab.evaluate(([api, billing]) => Promise.all([window.app.auth.getAccessToken(api), window.app.auth.getAccessToken(billing)]), [API_RESOURCE, BILLING_RESOURCE]),
        ),
      );
      const log = refreshes();
      expect(log.map((r) => r.resource).sort(), `round ${round}`).toEqual([API_RESOURCE, BILLING_RESOURCE]);
      expect(log.filter((r) => r.status !== 200 || r.error), `round ${round}`).toEqual([]);
      // Every tab ends with the same valid tokens.
      for (const [api, billing] of results) {
        expect([api, billing]).toEqual(results[0]);
        expect(decodeJwt(api)['aud']).toBe(API_RESOURCE);
        expect(decodeJwt(billing)['aud']).toBe(BILLING_RESOURCE);
      }
    }
    // The session survived every round: the refresh token was never replayed.
    expect(await tabs[4]!.evaluate(() => window.app.auth.fetchUserInfo())).toMatchObject({ sub: 'alice' });
    await expectNoWebStorage(tabs);
  });

  it('without Web Locks, a tab falls back to an in-tab lock: concurrent refreshes still never reuse a refresh token', async () => {
    const tab = await openTab('/', () => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    expect(await tab.evaluate(() => 'locks' in navigator && navigator.locks !== undefined)).toBe(false);
    await tab.evaluate(() => window.app.expireTokens());
    await tab.evaluate(() => window.app.auth.reload());
    idp.control.clearLog();
    const [api, billing] = await tab.evaluate(
      ([a, b]) => Promise.all([window.app.auth.getAccessToken(a), window.app.auth.getAccessToken(b), window.app.auth.getAccessToken(a)]),
      [API_RESOURCE, BILLING_RESOURCE],
    );
    expect(decodeJwt(api!)['aud']).toBe(API_RESOURCE);
    expect(decodeJwt(billing!)['aud']).toBe(BILLING_RESOURCE);
    const log = refreshes();
    expect(log.map((r) => [r.resource, r.status])).toEqual(expect.arrayContaining([[API_RESOURCE, 200], [BILLING_RESOURCE, 200]]));
    expect(log).toHaveLength(2);
    expect(new Set(log.map((r) => r.refreshToken)).size).toBe(2);
    await tab.close();
  });

  it('accessTokenStorage: memory keeps access tokens out of IndexedDB', async () => {
    const tab = await openTab('/?tokens=memory');
    const token = await tab.evaluate((api) => window.app.auth.getAccessToken(api, { forceRefresh: true }), API_RESOURCE);
    expect(decodeJwt(token)['aud']).toBe(API_RESOURCE);
    const stored = (await tab.evaluate(() => window.app.readSession())) as { refreshToken: string; tokens: Record<string, { accessToken: string }> };
    expect(stored.refreshToken).toEqual(expect.any(String));
    expect(Object.values(stored.tokens).map((t) => t.accessToken)).not.toContain(token);
    // Still served from this tab's memory without another refresh.
    idp.control.clearLog();
    expect(await tab.evaluate((api) => window.app.auth.getAccessToken(api), API_RESOURCE)).toBe(token);
    expect(refreshes()).toHaveLength(0);
    await tab.close();
  });

  const lockName = () => `audience:session:${new URL(idp.issuer).href}:${CLIENTS.spa}`;

  it('a slow token endpoint × 3 keys × 5 tabs: a live lock holder is never robbed, 0 invalid_grant, every tab signed in', async () => {
    while (tabs.length < 5) tabs.push(await openTab('/'));
    await tabs[0]!.evaluate(() => window.app.expireTokens());
    await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.auth.reload())));
    idp.control.clearLog();
    // Every token request takes twice the lock timeout.
    idp.control.injectFault('token', { type: 'delay', ms: 2 * LOCK_TIMEOUT_MS });
    try {
      const results = await Promise.all(
        tabs.map((tab) =>
          tab.evaluate(async ([api, billing]) => {
            const settle = (p: Promise<string>) => p.then((token) => ({ token }), (err: Error & { code?: string }) => ({ error: `${err.name} ${err.code ?? ''} ${err.message}` }));
            const { auth } = window.app;
            return Promise.all([settle(auth.getAccessToken(api)), settle(auth.getAccessToken(billing)), settle(auth.getAccessToken())]);
          }, [API_RESOURCE, BILLING_RESOURCE]),
        ),
      );
      expect(results.flat().filter((r) => 'error' in r)).toEqual([]);
      const log = refreshes();
      expect(log.map((r) => [r.status, r.error ?? null])).toEqual([[200, null], [200, null], [200, null]]);
      expect(new Set(log.map((r) => r.refreshToken)).size).toBe(3);
    } finally {
      idp.control.clearFaults();
    }
    for (const tab of tabs) expect(await tab.evaluate(() => window.app.states.at(-1)?.status)).toBe('signed-in');
    expect(await tabs[3]!.evaluate(() => window.app.auth.fetchUserInfo())).toMatchObject({ sub: 'alice' });
  });

  it('a TimeoutError thrown inside the locked function is its own error: the function runs once, nothing is stolen', async () => {
    const outcome = await tabs[0]!.evaluate(async () => {
      const lock = window.app.createWebLock(200);
      let calls = 0;
      const error = await lock('audience:test:timeout-inside', async () => {
        calls++;
        throw new DOMException('the API call timed out', 'TimeoutError');
      }).catch((err: Error) => err.name);
      return { calls, error };
    });
    expect(outcome).toEqual({ calls: 1, error: 'TimeoutError' });
  });

  it('a hung tab holding the refresh lock loses it: another tab refreshes, and the hung one neither sends nor writes when it wakes', async () => {
    const hung = await openTab('/'); // a new tab: its first refresh starts with discovery
    await tabs[0]!.evaluate(() => window.app.expireTokens());
    await Promise.all([hung, tabs[1]!].map((tab) => tab.evaluate(() => window.app.auth.reload())));
    idp.control.clearLog();
    // The hung tab takes the lock and waits for discovery; then its main thread stops (a long task, or frozen in the
    // background): its heartbeat stops too.
    idp.control.injectFault('discovery', { type: 'delay', ms: 500 }, { times: 1 });
    await hung.evaluate((api) => {
      (window as unknown as { pending: Promise<unknown> }).pending = window.app.auth.getAccessToken(api).catch((err: { code?: string }) => err.code);
    }, API_RESOURCE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cdp = await hung.context().newCDPSession(hung);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    const { elapsed, token } = await tabs[1]!.evaluate(async (api) => {
      const started = performance.now();
      const token = await window.app.auth.getAccessToken(api);
      return { elapsed: performance.now() - started, token };
    }, API_RESOURCE);
    expect(elapsed).toBeLessThan(2 * LOCK_TIMEOUT_MS + 1_000);
    const stored = await tabs[1]!.evaluate(() => window.app.readSession());
    await cdp.send('Debugger.resume');
    // Awake again: its lock was taken over, so it sends nothing and uses the new holder's token.
    expect(await hung.evaluate(() => (window as unknown as { pending: Promise<unknown> }).pending)).toBe(token);
    expect(await tabs[1]!.evaluate(() => window.app.readSession())).toEqual(stored);
    expect(refreshes().map((r) => [r.resource, r.status, r.error ?? null])).toEqual([[API_RESOURCE, 200, null]]);
    await hung.close();
  });

  it('a tab closed while holding the refresh lock does not block the others', async () => {
    const holder = await openTab('/');
    await holder.evaluate((name) => {
      void navigator.locks.request(name, () => new Promise(() => undefined));
    }, lockName());
    await tabs[0]!.evaluate(() => window.app.expireTokens());
    await tabs[1]!.evaluate(() => window.app.auth.reload());
    await holder.close();
    const elapsed = await tabs[1]!.evaluate(async (api) => {
      const started = performance.now();
      await window.app.auth.getAccessToken(api);
      return performance.now() - started;
    }, API_RESOURCE);
    expect(elapsed).toBeLessThan(LOCK_TIMEOUT_MS);
  });

  it('a tab stuck while holding the refresh lock blocks the others no longer than the acquire timeout', async () => {
    const holder = await openTab('/');
    await holder.evaluate((name) => {
      void navigator.locks.request(name, () => new Promise(() => undefined)).catch(() => undefined);
    }, lockName());
    await tabs[0]!.evaluate(() => window.app.expireTokens());
    await tabs[1]!.evaluate(() => window.app.auth.reload());
    const elapsed = await tabs[1]!.evaluate(async (api) => {
      const started = performance.now();
      await window.app.auth.getAccessToken(api);
      return performance.now() - started;
    }, API_RESOURCE);
    // It writes no heartbeat: taken over after one or two lock timeouts.
    expect(elapsed).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(2 * LOCK_TIMEOUT_MS + 1_000);
    await holder.close();
  });

  it('signing out in one tab signs out every tab and empties IndexedDB', async () => {
    const [first, ...others] = tabs;
    idp.control.clearLog();
    await first!.evaluate(() => void window.app.auth.signOut());
    // RP-initiated logout comes back to the post-logout redirect URI with the state it was sent (§3).
    await first!.waitForURL((url) => url.origin === spa.origin && url.pathname === '/' && url.searchParams.has('state'));
    for (const tab of others) {
      await tab.waitForFunction(() => window.app.states.at(-1)?.status === 'signed-out');
      expect(await tab.evaluate(() => window.app.states.at(-1))).toEqual({ status: 'signed-out', reason: 'signed_out' });
      expect(await tab.evaluate(() => window.app.readSession())).toBeUndefined();
      await expect(tab.evaluate((api) => window.app.auth.getAccessToken(api).catch((e: { code: string }) => e.code), API_RESOURCE)).resolves.toBe('ERR_LOGIN_REQUIRED');
    }
    expect(idp.control.requests('revocation').map((r) => r.status)).toEqual([200]);
    expect(idp.control.requests('end_session').length).toBeGreaterThan(0);
    await expectNoWebStorage(tabs.slice(1));
  });

  it('after sign-out the server asks for the password again (the login session ended too, not only the grant)', async () => {
    const page = tabs[0]!;
    await page.evaluate(() => window.app.ready);
    await page.click('#sign-in');
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    await page.waitForSelector('#password');
    expect(await page.isVisible('#password')).toBe(true);
    expect(await page.locator('text=Allow').count()).toBe(0);
  });
});
