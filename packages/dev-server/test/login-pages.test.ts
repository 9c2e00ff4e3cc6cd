import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLIENTS, startDevServer, type DevServer } from '@audience/dev-server';

const REDIRECT = 'http://127.0.0.1:9/callback';
let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ spaRedirectUris: [REDIRECT] });
});
afterAll(() => server.close());

/** A tiny browser: a cookie jar and manual redirects, so each page can be looked at. */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string | URL, init: { method?: string; form?: Record<string, string> } = {}) => {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    return { status: res.status, html: await res.text(), location: location ? new URL(location, url) : undefined };
  };
}

it('a person signs in through the login and consent pages; a wrong password is refused', async () => {
  const go = browser();
  const auth = new URL(`${server.issuer}/auth`);
  const verifier = oauth.generateRandomCodeVerifier();
  auth.search = new URLSearchParams({
    client_id: CLIENTS.spa,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access profile read',
    resource: 'https://api.example.com',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 's1',
    prompt: 'consent',
  }).toString();

  const start = await go(auth);
  const loginPage = await go(start.location!);
  expect(loginPage.html).toContain('<form method="post"');
  expect(loginPage.html).toContain('alice');
  const action = new URL(/action="([^"]+\/login)"/.exec(loginPage.html)![1]!, server.issuer);

  const wrong = await go(action, { method: 'POST', form: { username: 'alice', password: 'nope' } });
  expect(wrong.status).toBe(401);
  expect(wrong.html).toContain('Wrong username or password.');

  const right = await go(action, { method: 'POST', form: { username: 'alice', password: 'alice' } });
  expect(right.status).toBe(303);
  const consentPage = await go((await go(right.location!)).location!);
  expect(consentPage.html).toContain('asks for');
  expect(consentPage.html).toContain('https://api.example.com: <code>read</code>');
  const confirm = new URL(/action="([^"]+\/confirm)"/.exec(consentPage.html)![1]!, server.issuer);

  let next = (await go(confirm, { method: 'POST' })).location!;
  while (next.origin === server.issuer) next = (await go(next)).location!;
  expect(next.origin + next.pathname).toBe(REDIRECT);
  expect(next.searchParams.get('code')).toBeTruthy();
  expect(next.searchParams.get('state')).toBe('s1');
  expect(next.searchParams.get('iss')).toBe(server.issuer);
});

it.each([
  ['an unknown client_id', { client_id: 'no-such-client', redirect_uri: REDIRECT }, 'clientId'],
  ['an unregistered redirect_uri', { client_id: CLIENTS.spa, redirect_uri: 'http://127.0.0.1:9/not-registered' }, 'redirectUri'],
])('an error shown to a person (%s) has the login page\'s look and says what to check', async (_name, params, hint) => {
  const url = new URL(`${server.issuer}/auth`);
  for (const [k, v] of Object.entries({ ...params, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).toContain('Something went wrong');
  expect(html).toContain('Audience dev server');
  expect(html).toContain(hint);
  expect(html).not.toContain('oops! something went wrong');
});

it('an interaction page whose sign-in is gone (Back after sign-in, a restart) says to start again', async () => {
  const res = await fetch(`${server.issuer}/interaction/no-such-interaction`);
  const html = await res.text();
  expect(html).toContain('start it again from the app');
});
