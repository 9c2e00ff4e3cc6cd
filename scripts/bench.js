// Benchmarks against the real development server, printing numbers (never asserting times). `npm run bench`.
import { performance } from 'node:perf_hooks';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, SERVICE_SECRET, startDevServer, walkSignIn } from '@audience/dev-server';
import { createMemoryStore, createOidcClient } from '@audience/core';
import { createResourceServer, createServiceClient } from '@audience/node';

console.warn = () => undefined; // the dev server's http issuer warning
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, unit) => `${n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 2 : 0 })} ${unit}`;

const starts = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const s = await startDevServer();
  starts.push(performance.now() - t0);
  await s.close();
}
console.log(`dev server start (median of 5)              ${fmt(median(starts), 'ms')}`);

const server = await startDevServer({ interactionMode: 'auto', spaRedirectUris: ['http://127.0.0.1:9/callback'] });
const client = createOidcClient({
  issuer: server.issuer,
  clientId: CLIENTS.spa,
  redirectUri: 'http://127.0.0.1:9/callback',
  scopes: ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read'],
  resources: [API_RESOURCE, BILLING_RESOURCE],
  store: createMemoryStore(),
  dangerouslyAllowInsecureHttp: true,
});
let t0 = performance.now();
await client.handleCallback(await walkSignIn(await client.buildSignInUrl()));
console.log(`sign-in (redirects walked, code exchange)    ${fmt(performance.now() - t0, 'ms')}`);

t0 = performance.now();
await Promise.all(Array.from({ length: 50 }, (_, i) => client.getAccessToken([undefined, API_RESOURCE, BILLING_RESOURCE][i % 3], { forceRefresh: i < 3 })));
const refreshes = server.control.requests('token').filter((r) => r.grantType === 'refresh_token').length;
console.log(`50 concurrent getAccessToken over 3 keys      ${fmt(performance.now() - t0, 'ms')}, ${refreshes} refresh requests`);

const hits = 200_000;
t0 = performance.now();
for (let i = 0; i < hits; i++) await client.getAccessToken(API_RESOURCE);
const hitMs = performance.now() - t0;
console.log(`getAccessToken cache hit                     ${fmt((hitMs * 1e6) / hits, 'ns/call')} (${fmt(hits / (hitMs / 1000), 'calls/s')})`);

server.control.clearLog();
const service = createServiceClient({ issuer: server.issuer, clientId: CLIENTS.service, clientSecret: SERVICE_SECRET, dangerouslyAllowInsecureHttp: true });
t0 = performance.now();
await Promise.all(Array.from({ length: 1000 }, () => service.getAccessToken(API_RESOURCE, { scopes: ['read'] })));
console.log(`service: 1 000 concurrent cold calls          ${fmt(performance.now() - t0, 'ms')}, ${server.control.requests('token').length} token request(s)`);

for (const [label, options] of [['', undefined], [' with scopes', { scopes: ['read'] }]]) {
  await service.getAccessToken(API_RESOURCE, options);
  t0 = performance.now();
  for (let i = 0; i < hits; i++) await service.getAccessToken(API_RESOURCE, options);
  const serviceMs = performance.now() - t0;
  console.log(`service getAccessToken cache hit${label.padEnd(13)} ${fmt((serviceMs * 1e6) / hits, 'ns/call')}`);
}

const token = await service.getAccessToken(API_RESOURCE, { scopes: ['read'] });
const api = createResourceServer({ issuer: server.issuer, audience: API_RESOURCE, dangerouslyAllowInsecureHttp: true });
await api.verifyAccessToken(token);
const verifications = 5_000;
t0 = performance.now();
for (let i = 0; i < verifications; i++) await api.verifyAccessToken(token);
const verifyMs = performance.now() - t0;
console.log(`verifyAccessToken (ES256 JWT, JWKS cached)   ${fmt((verifyMs * 1000) / verifications, 'µs/call')} (${fmt(verifications / (verifyMs / 1000), 'calls/s')})`);

await server.close();
