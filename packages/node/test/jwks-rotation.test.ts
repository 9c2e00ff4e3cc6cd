import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { beforeEach, expect, it, vi } from 'vitest';
import { API_RESOURCE, CLIENTS, DIRECTORY_AUDIENCE, DIRECTORY_RESOURCE, SERVICE_SECRET } from '@audience/dev-server';
import { createResourceServer, type ResourceServer } from '@audience/node';
import { serviceClient, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();
beforeEach(() => {
  published.length = 0;
});

interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

/** Keys the issuer "publishes" in addition to its own: the injected fetch adds them to the real JWKS answer. */
const published: TestKey[] = [];

/** Forwards to the real server; the JWKS answer gets the keys in `published` added, as after a key rotation. */
const rotatingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (!String(input).endsWith('/jwks')) return response;
  const jwks = (await response.json()) as { keys: unknown[] };
  return Response.json({ keys: [...jwks.keys, ...published.map((k) => k.publicJwk)] }, { headers: { 'content-type': 'application/json' } });
};

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RFC 9068 access token for the API, signed with a key of the test's own (as the issuer would after rotating). */
function tokenSignedWith(key: Pick<TestKey, 'kid' | 'privateKey'>): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'ES256', typ: 'at+jwt', kid: key.kid });
  const body = b64({ iss: env.server.issuer, aud: API_RESOURCE, sub: CLIENTS.service, client_id: CLIENTS.service, iat: now, exp: now + 300, jti: randomUUID(), scope: 'read' });
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${head}.${body}.${signature}`;
}

function api(audience = API_RESOURCE): ResourceServer {
  return createResourceServer({ issuer: env.server.issuer, audience, fetch: rotatingFetch, dangerouslyAllowInsecureHttp: true });
}

const jwksRequests = (): number => env.server.control.requests('jwks').length;

it('a token signed with a key published after the JWKS was cached is accepted at once, with one refetch; old keys keep working', async () => {
  const verifier = api();
  const issued = await serviceClient(env.server).getAccessToken(API_RESOURCE, { scopes: ['read'] });
  await verifier.verifyAccessToken(issued);
  expect(jwksRequests()).toBe(1);

  const rotated = newKey();
  published.push(rotated);
  await expect(verifier.verifyAccessToken(tokenSignedWith(rotated))).resolves.toMatchObject({ aud: [API_RESOURCE], sub: CLIENTS.service });
  expect(jwksRequests()).toBe(2);
  await expect(verifier.verifyAccessToken(issued)).resolves.toMatchObject({ aud: [API_RESOURCE] });
  await expect(verifier.verifyAccessToken(tokenSignedWith(rotated))).resolves.toBeDefined();
  expect(jwksRequests()).toBe(2);
});

it('200 concurrent verifications at a cold start make one JWKS request', async () => {
  const token = await serviceClient(env.server).getAccessToken(API_RESOURCE, { scopes: ['read'] });
  const verifier = api();
  env.server.control.clearLog();
  const results = await Promise.all(Array.from({ length: 200 }, () => verifier.verifyAccessToken(token)));
  expect(results).toHaveLength(200);
  expect(jwksRequests()).toBe(1);
});

it('200 concurrent verifications of a token with a newly published kid make one refetch', async () => {
  const verifier = api();
  await verifier.verifyAccessToken(await serviceClient(env.server).getAccessToken(API_RESOURCE, { scopes: ['read'] }));
  const rotated = newKey();
  published.push(rotated);
  const token = tokenSignedWith(rotated);
  env.server.control.clearLog();
  await Promise.all(Array.from({ length: 200 }, () => verifier.verifyAccessToken(token)));
  expect(jwksRequests()).toBe(1);
});

it('a flood of made-up kids is bounded: a burst of 3 refetches, then one per 10 s, and a kid still unknown is not refetched again', async () => {
  const verifier = api();
  await verifier.verifyAccessToken(await serviceClient(env.server).getAccessToken(API_RESOURCE, { scopes: ['read'] }));
  env.server.control.clearLog();
  const forged = (): string => tokenSignedWith({ ...newKey(), kid: randomUUID() });
  for (let i = 0; i < 50; i++) await expect(verifier.verifyAccessToken(forged())).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
  expect(jwksRequests()).toBe(3);

  env.clock.advance(10);
  const remembered = forged();
  await expect(verifier.verifyAccessToken(remembered)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
  expect(jwksRequests()).toBe(4);
  env.clock.advance(30);
  // Still unknown after its refetch: refused without asking the issuer again, even with tokens in the bucket.
  for (let i = 0; i < 5; i++) await expect(verifier.verifyAccessToken(remembered)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
  expect(jwksRequests()).toBe(4);

  // A real rotation after the flood still works once the bucket has refilled.
  const rotated = newKey();
  published.push(rotated);
  await expect(verifier.verifyAccessToken(tokenSignedWith(rotated))).resolves.toBeDefined();
  expect(jwksRequests()).toBe(5);
});

it('verifies JWTs whose audience is not a URL (a GUID, as Auth0 and Entra issue)', async () => {
  const service = createResourceServer({ issuer: env.server.issuer, audience: DIRECTORY_AUDIENCE, dangerouslyAllowInsecureHttp: true });
  const response = await fetch(`${env.server.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENTS.service}:${SERVICE_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: DIRECTORY_RESOURCE, scope: 'directory:read' }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  await expect(service.verifyAccessToken(token, { requiredScopes: ['directory:read'] })).resolves.toMatchObject({ aud: [DIRECTORY_AUDIENCE] });
  const named = createResourceServer({ issuer: env.server.issuer, audience: 'my-api', dangerouslyAllowInsecureHttp: true });
  await expect(named.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN', message: expect.stringContaining('aud') });
});
