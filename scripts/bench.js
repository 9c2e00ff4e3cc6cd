// Benchmarks, printing numbers (never asserting times): `npm run bench`. The dev server runs in a child process
// (scripts/bench-server.js); cache hits and verifications are timed in interleaved rounds in this process, each as a
// ratio to a floor measured in the same rounds; the browser client is timed the same way in headless Chromium
// (scripts/bench-browser.js). The floor is timed twice: how far its second timing is from 1.00× is the noise of the
// run, and a smaller gap between a candidate and 1.00× is no measured difference. Peers (@logto/client, jose) are dev
// dependencies of this script only.
// `--markdown` prints the tables as Markdown; `--readme` also writes them into README.md between the bench markers.
import { cpus } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import LogtoClient, { createRequester } from '@logto/client';
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import { createMemoryStore, createOidcClient } from '@audience/core';
import { createResourceServer, createServiceClient } from '@audience/node';
import { startBenchPage } from './bench-browser.js';
import { compare, floorCache } from './compare.js';
import { startServerProcess } from './server-process.js';

console.warn = () => undefined; // the http-issuer warnings of the clients under test (loopback only)
const markdown = process.argv.includes('--markdown') || process.argv.includes('--readme');
const SCOPES = ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read', 'reports:read'];
const REDIRECT = 'http://127.0.0.1:9/callback';

const page = await startBenchPage();
const server = await startServerProcess({ interactionMode: 'auto', spaRedirectUris: [REDIRECT, `${page.origin}/callback`] });
const { issuer, constants } = server;
const { API_RESOURCE: API, BILLING_RESOURCE: BILLING, REPORTS_RESOURCE: REPORTS } = constants;
const RESOURCES = [API, BILLING, REPORTS];
const serviceOptions = { issuer, clientId: constants.CLIENTS.service, clientSecret: constants.SERVICE_SECRET, dangerouslyAllowInsecureHttp: true };

/** Signs a new user session in with Audience's core client; returns the client and its store. */
async function signedIn() {
  const store = createMemoryStore();
  const client = createOidcClient({ issuer, clientId: constants.CLIENTS.spa, redirectUri: REDIRECT, scopes: SCOPES, resources: RESOURCES, store, dangerouslyAllowInsecureHttp: true });
  await client.handleCallback(await server.walk(await client.buildSignInUrl()));
  return { client, store };
}

/** A @logto/client holding the refresh and ID tokens of a session signed in here (Logto's own sign-in needs its UI). */
async function logtoWith(session) {
  const items = new Map([
    ['idToken', session.idToken],
    ['refreshToken', session.refreshToken],
  ]);
  const storage = {
    getItem: async (key) => items.get(key) ?? null,
    setItem: async (key, value) => void (value === null ? items.delete(key) : items.set(key, value)),
    removeItem: async (key) => void items.delete(key),
  };
  // Logto discovers at <endpoint>/oidc/.well-known/openid-configuration; the dev server's issuer is its root.
  const requester = createRequester((url, init) => fetch(String(url).replace('/oidc/.well-known/', '/.well-known/'), init));
  return new LogtoClient(
    { endpoint: issuer, appId: 'audience-spa', scopes: SCOPES.filter((s) => s !== 'openid'), resources: RESOURCES },
    { requester, storage, navigate: () => undefined, generateState: () => oauth.generateRandomState(), generateCodeVerifier: () => oauth.generateRandomCodeVerifier(), generateCodeChallenge: (v) => oauth.calculatePKCECodeChallenge(v) },
  );
}

const rows = { hits: [], cold: [], verify: [] };

// 1. Cache hits, interleaved with the floor.
{
  const { client } = await signedIn();
  const token = await client.getAccessToken(API);
  const service = createServiceClient(serviceOptions);
  await service.getAccessToken(API);
  await service.getAccessToken(API, { scopes: ['read'] });
  const other = await signedIn();
  const logto = await logtoWith((await other.store.get('session')) ?? {});
  await logto.getAccessToken(API);
  const floor = floorCache(API, token);
  const results = await compare([
    { name: 'floor: awaited async Map lookup + expiry check', run: () => floor(API) },
    { name: 'floor, timed again (the noise of this run)', run: () => floor(API) },
    { name: 'Audience core getAccessToken(api)', run: () => client.getAccessToken(API) },
    { name: 'Audience service getAccessToken(api)', run: () => service.getAccessToken(API) },
    { name: 'Audience service getAccessToken(api, { scopes })', run: () => service.getAccessToken(API, { scopes: ['read'] }) },
    { name: '@logto/client getAccessToken(api)', run: () => logto.getAccessToken(API) },
  ]);
  rows.hits.push(...results.map((r) => ({ ...r, where: 'Node' })));
  const browser = await page.run(issuer);
  rows.hits.push(...browser.map((r) => ({ ...r, where: 'Chromium' })));
}

// 2. Cold concurrency: N callers over k resources at once, right after sign-in, on the same server.
for (const [callers, resources] of [
  [100, 1],
  [100, 3],
]) {
  const wanted = RESOURCES.slice(0, resources);
  const { client } = await signedIn();
  await server.clear();
  let failures = await Promise.allSettled(Array.from({ length: callers }, (_, i) => client.getAccessToken(wanted[i % resources])));
  const ours = await server.requests('token');
  const oursFailed = failures.filter((f) => f.status === 'rejected').length;

  const other = await signedIn();
  const logto = await logtoWith((await other.store.get('session')) ?? {});
  await server.clear();
  const log = console.error;
  console.error = () => undefined; // @logto/client logs each failed request; they are counted below
  failures = await Promise.allSettled(Array.from({ length: callers }, (_, i) => logto.getAccessToken(wanted[i % resources])));
  console.error = log;
  const theirs = await server.requests('token');
  const theirsFailed = failures.filter((f) => f.status === 'rejected').length;
  const count = (log) => ({ requests: log.length, invalidGrants: log.filter((r) => r.error === 'invalid_grant').length });
  rows.cold.push({ callers, resources, ours: { ...count(ours), failed: oursFailed }, logto: { ...count(theirs), failed: theirsFailed } });
}

// 3. verifyAccessToken beside raw oauth4webapi validateJwtAccessToken (the floor) and jose jwtVerify with a local key.
{
  const service = createServiceClient(serviceOptions);
  const token = await service.getAccessToken(API);
  const api = createResourceServer({ issuer, audience: API, dangerouslyAllowInsecureHttp: true });
  await api.verifyAccessToken(token);
  const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
  const raw = { [oauth.allowInsecureRequests]: true };
  const request = () => new Request(`${API}/`, { headers: { authorization: `Bearer ${token}` } });
  await oauth.validateJwtAccessToken(as, request(), API, raw);
  const jwks = jose.createLocalJWKSet(await (await fetch(as.jwks_uri)).json());
  const results = await compare(
    [
      { name: 'floor: oauth4webapi validateJwtAccessToken', run: () => oauth.validateJwtAccessToken(as, request(), API, raw) },
      { name: 'floor, timed again (the noise of this run)', run: () => oauth.validateJwtAccessToken(as, request(), API, raw) },
      { name: 'Audience verifyAccessToken', run: () => api.verifyAccessToken(token) },
      { name: 'jose jwtVerify (local JWKS)', run: () => jose.jwtVerify(token, jwks, { issuer: as.issuer, audience: API }) },
    ],
    { rounds: 15, iterations: 1_000 },
  );
  rows.verify.push(...results);
}
await server.close();

// Output.
const ns = (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} µs` : `${Math.round(n)} ns`);
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`;
const lines = [];
const table = (header, body) => {
  if (markdown) {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((cells) => `| ${cells.join(' | ')} |`), '');
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => String(cells[i]).length)));
    for (const cells of [header, ...body]) lines.push(cells.map((c, i) => String(c).padEnd(widths[i])).join('  '));
    lines.push('');
  }
};
lines.push(`Measured ${machine}; ${markdown ? 'median of 21 interleaved rounds (15 for verification)' : 'interleaved rounds'}.`, '');
table(
  ['cache hit', 'where', 'min', 'median', 'max', '× floor (median)'],
  rows.hits.map((r) => [r.name, r.where, ns(r.min), ns(r.median), ns(r.max), r.ratio.toFixed(2)]),
);
table(
  ['cold start: callers × resources', 'Audience token requests', 'Audience invalid_grant', 'Audience failed calls', '@logto/client token requests', '@logto/client invalid_grant', '@logto/client failed calls'],
  rows.cold.map((r) => [`${r.callers} × ${r.resources}`, r.ours.requests, r.ours.invalidGrants, r.ours.failed, r.logto.requests, r.logto.invalidGrants, r.logto.failed]),
);
table(
  ['JWT verification (ES256, keys cached)', 'min', 'median', 'max', '× floor (median)'],
  rows.verify.map((r) => [r.name, ns(r.min), ns(r.median), ns(r.max), r.ratio.toFixed(2)]),
);
console.log(lines.join('\n'));
if (process.argv.includes('--readme')) {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!readme.includes(start) || !readme.includes(end)) throw new Error('README.md has no bench markers');
  await writeFile(new URL('../README.md', import.meta.url), `${readme.slice(0, readme.indexOf(start) + start.length)}\n${lines.join('\n')}\n${readme.slice(readme.indexOf(end))}`);
}
