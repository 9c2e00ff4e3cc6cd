import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, API_SECRET, BILLING_RESOURCE, CLIENTS, REPORTS_RESOURCE, SERVICE_SECRET, type DevServer } from '@audience/dev-server';
import { createResourceServer, requireAccessToken, type AuthenticatedRequest, type ResourceServer } from '@audience/node';
import { serviceClient, startServer, systemClock } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

let server: DevServer;
let other: DevServer;
let clock: ReturnType<typeof systemClock>;
beforeAll(async () => {
  [server, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([server.close(), other.close()]));
beforeEach(() => {
  server.control.clearLog();
  clock = systemClock();
});
afterEach(() => clock.restore());

const RW = { scopes: ['read', 'write'] };
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const split = (t: string) => t.split('.') as [string, string, string];
const header = (t: string) => JSON.parse(Buffer.from(split(t)[0], 'base64url').toString()) as Record<string, unknown>;
const payload = (t: string) => JSON.parse(Buffer.from(split(t)[1], 'base64url').toString()) as Record<string, unknown>;

function api(audience = API_RESOURCE, issuer = server.issuer): ResourceServer {
  return createResourceServer({
    issuer,
    audience,
    introspection: { clientId: CLIENTS.api, clientSecret: API_SECRET },
    introspectionCacheSeconds: 0,
    dangerouslyAllowInsecureHttp: true,
  });
}

describe('verifyAccessToken', () => {
  it('accepts a JWT for its audience and returns the claims, with scope checks', async () => {
    const token = await serviceClient(server).getAccessToken(API_RESOURCE, RW);
    const claims = await api().verifyAccessToken(token, { requiredScopes: ['read', 'write'] });
    expect(claims).toMatchObject({ iss: server.issuer, aud: [API_RESOURCE], client_id: CLIENTS.service, scope: ['read', 'write'] });
    await expect(api().verifyAccessToken(token, { requiredScopes: ['invoices:read'] })).rejects.toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    const request = new Request('https://api.example.com/x', { headers: { authorization: `Bearer ${token}` } });
    await expect(api().verifyAccessToken(request)).resolves.toMatchObject({ sub: CLIENTS.service });
  });

  it('reads the bearer token as RFC 6750 §2.1 writes it (any case of "Bearer", one or more spaces) and refuses any other Authorization header', async () => {
    const token = await serviceClient(server).getAccessToken(API_RESOURCE, RW);
    const verifier = api();
    const sources = (authorization: string) => [{ headers: { authorization } }, new Request('https://api.example.com/x', { headers: { authorization } })];
    for (const good of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`, `  Bearer ${token}  `]) {
      for (const source of sources(good)) await expect(verifier.verifyAccessToken(source), good.slice(0, 12)).resolves.toMatchObject({ sub: CLIENTS.service });
    }
    for (const bad of [`Basic ${token}`, 'Bearer', 'Bearer ', `Bearer ${token} ${token}`, `Bearer ${token}!`, `Bearer\t${token}`, `Bearer,${token}`, `DPoP ${token}`]) {
      for (const source of sources(bad)) await expect(verifier.verifyAccessToken(source), bad.slice(0, 12)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: 'No bearer token in the Authorization header' });
    }
    await expect(verifier.verifyAccessToken({ headers: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: 'No bearer token in the Authorization header' });
  });

  it.each<[string, (token: string) => string]>([
    ['alg none', (t) => `${b64({ ...header(t), alg: 'none' })}.${split(t)[1]}.`],
    ['a tampered payload', (t) => `${split(t)[0]}.${b64({ ...payload(t), scope: 'read write admin' })}.${split(t)[2]}`],
    ['HS256 signed with the public key', (t) => {
      const head = b64({ ...header(t), alg: 'HS256' });
      const body = split(t)[1];
      const secret = JSON.stringify({ crv: 'P-256', kty: 'EC' });
      return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
    }],
    ['garbage', () => 'not.a.jwt'],
  ])('refuses %s', async (_name, forge) => {
    const token = await serviceClient(server).getAccessToken(API_RESOURCE, RW);
    await expect(api().verifyAccessToken(forge(token))).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
  });

  it('refuses a token for another audience', async () => {
    const billing = await serviceClient(server).getAccessToken(BILLING_RESOURCE, { scopes: ['invoices:read'] });
    await expect(api().verifyAccessToken(billing)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('aud') });
  });

  it('refuses an expired token (beyond the clock tolerance)', async () => {
    server.control.setTtl({ accessToken: 60 });
    try {
      const token = await serviceClient(server).getAccessToken(API_RESOURCE, RW);
      const verifier = api();
      await expect(verifier.verifyAccessToken(token)).resolves.toBeDefined();
      clock.advance(60 + 31);
      await expect(verifier.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
    } finally {
      server.control.setTtl({ accessToken: 600 });
    }
  });

  it('refuses a token of another issuer', async () => {
    const foreign = await serviceClient(other).getAccessToken(API_RESOURCE, RW);
    await expect(api().verifyAccessToken(foreign)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('iss') });
  });

  it('introspects an opaque token, and refuses it once revoked', async () => {
    const service = serviceClient(server);
    const token = await service.getAccessToken(REPORTS_RESOURCE, { scopes: ['reports:read'] });
    expect(token.split('.')).toHaveLength(1);
    const reports = api(REPORTS_RESOURCE);
    await expect(reports.verifyAccessToken(token, { requiredScopes: ['reports:read'] })).resolves.toMatchObject({ client_id: CLIENTS.service });
    // An opaque token for another audience is refused too.
    await expect(api(API_RESOURCE).verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });

    const revoke = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENTS.service}:${SERVICE_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    expect(revoke.status).toBe(200);
    await expect(reports.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('not active') });
    expect(server.control.requests('introspection').map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('requireAccessToken middleware', () => {
  let app: Server;
  let url: string;
  beforeAll(async () => {
    const verifier = api();
    app = createServer((req, res) =>
      requireAccessToken(verifier, { requiredScopes: ['write'] })(req, res, () => {
        res.end(JSON.stringify({ sub: (req as AuthenticatedRequest).auth.sub }));
      }),
    );
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it('answers 401 with a Bearer challenge, 403 insufficient_scope, or lets the request through', async () => {
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

    const billing = await serviceClient(server).getAccessToken(BILLING_RESOURCE, { scopes: ['invoices:read'] });
    const wrongAud = await fetch(url, { headers: { authorization: `Bearer ${billing}` } });
    expect(wrongAud.status).toBe(401);

    const readOnly = await serviceClient(server).getAccessToken(API_RESOURCE, { scopes: ['read'] });
    const forbidden = await fetch(url, { headers: { authorization: `Bearer ${readOnly}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="write"/);
    expect(await forbidden.json()).toMatchObject({ error: 'insufficient_scope' });

    const token = await serviceClient(server).getAccessToken(API_RESOURCE, RW);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: CLIENTS.service });
  });
});
