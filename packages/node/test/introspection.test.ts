import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { API_SECRET, CLIENTS, REPORTS_RESOURCE, SERVICE_SECRET, startDevServer, walkSignIn, type DevServer } from '@audience/dev-server';
import { SESSION_KEY } from '@audience/core';
import { bearerErrorResponse, createMemoryStore, createOidcClient, createResourceServer, type ResourceServerOptions, type StoredSession } from '@audience/node';
import { serviceClient } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ interactionMode: 'auto', spaRedirectUris: [REDIRECT_URI] });
});
afterAll(() => server.close());
beforeEach(() => server.control.clearLog());

function reportsApi(overrides: Partial<ResourceServerOptions> = {}) {
  return createResourceServer({
    issuer: server.issuer,
    audience: REPORTS_RESOURCE,
    introspection: { clientId: CLIENTS.api, clientSecret: API_SECRET },
    dangerouslyAllowInsecureHttp: true,
    ...overrides,
  });
}

const introspections = (): number => server.control.requests('introspection').length;
const reportsToken = (): Promise<string> => serviceClient(server).getAccessToken(REPORTS_RESOURCE, { scopes: ['reports:read'] });

async function revoke(token: string): Promise<void> {
  const response = await fetch(`${server.issuer}/token/revocation`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENTS.service}:${SERVICE_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  expect(response.status).toBe(200);
}

it("introspection refuses a user's refresh token and the userinfo token: active at the issuer, but not issued for this API", async () => {
  const store = createMemoryStore();
  const spa = createOidcClient({
    issuer: server.issuer,
    clientId: CLIENTS.spa,
    redirectUri: REDIRECT_URI,
    scopes: ['openid', 'offline_access'],
    store,
    dangerouslyAllowInsecureHttp: true,
  });
  await spa.handleCallback(await walkSignIn(await spa.buildSignInUrl()));
  const userinfoToken = await spa.getAccessToken();
  const { refreshToken } = (await store.get<StoredSession>(SESSION_KEY))!;
  const api = reportsApi();
  server.control.clearLog();
  await expect(api.verifyAccessToken(userinfoToken)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('no audience') });
  await expect(api.verifyAccessToken(refreshToken!)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
  expect(server.control.requests('introspection').map((r) => r.status)).toEqual([200, 200]);
  // The API's own token is still accepted.
  await expect(api.verifyAccessToken(await reportsToken())).resolves.toMatchObject({ aud: [REPORTS_RESOURCE] });
});

it('a revoked opaque token is refused at once by default (no positive introspection cache)', async () => {
  const api = reportsApi();
  const token = await reportsToken();
  await expect(api.verifyAccessToken(token)).resolves.toMatchObject({ client_id: CLIENTS.service });
  await revoke(token);
  await expect(api.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('not active') });
  expect(introspections()).toBe(2);
});

it('concurrent introspections of one token share one request', async () => {
  const api = reportsApi();
  const token = await reportsToken();
  server.control.clearLog();
  const results = await Promise.all(Array.from({ length: 50 }, () => api.verifyAccessToken(token)));
  expect(results.every((claims) => claims.client_id === CLIENTS.service)).toBe(true);
  expect(introspections()).toBe(1);
});

it('the opt-in introspection cache reuses active results and stays bounded: 20 000 distinct tokens keep at most maxEntries', async () => {
  // Forwards to the real introspection endpoint for real tokens; made-up tokens get an active answer, as if issued.
  const now = Math.floor(Date.now() / 1000);
  let introspected = 0;
  const fakeActive: typeof fetch = async (input, init) => {
    const body = new URLSearchParams(String(init?.body ?? ''));
    if (!String(input).endsWith('/token/introspection') || !body.get('token')?.startsWith('made-up-')) return fetch(input, init);
    introspected++;
    return Response.json({ active: true, iss: server.issuer, aud: REPORTS_RESOURCE, exp: now + 600, client_id: CLIENTS.service, scope: 'reports:read' });
  };
  const api = reportsApi({ introspectionCacheSeconds: 60, introspectionCacheMaxEntries: 100, fetch: fakeActive });
  const tokens = Array.from({ length: 20_000 }, () => `made-up-${randomBytes(24).toString('base64url')}`);
  for (const token of tokens) await api.verifyAccessToken(token);
  expect(introspected).toBe(20_000);
  // The last 100 are cached…
  for (const token of tokens.slice(-100)) await api.verifyAccessToken(token);
  expect(introspected).toBe(20_000);
  // …and the first ones were evicted, not kept.
  for (const token of tokens.slice(0, 10)) await api.verifyAccessToken(token);
  expect(introspected).toBe(20_010);
});

it("an API whose own introspection credentials are wrong answers 500, never 401 invalid_token to the caller", async () => {
  const api = reportsApi({ introspection: { clientId: CLIENTS.api, clientSecret: 'wrong-secret' } });
  const failure = await api.verifyAccessToken(await reportsToken()).catch((err: unknown) => err);
  expect(failure).toMatchObject({ code: 'ERR_OAUTH', error: 'invalid_client' });
  const answer = bearerErrorResponse(failure);
  expect(answer.status).toBe(500);
  expect(answer.headers['www-authenticate']).toBeUndefined();
  expect(answer.body.error).toBe('server_error');
});
