// The demo: the development authorization server, the example API, service, server-side web app and SPA.
// Run through `npm run dev`, which builds the packages first.
import { startDevServer } from '@audience/dev-server';
import { startExampleApi } from '@audience/example-api';
import { startExampleService } from '@audience/example-service';
import { startExampleWebApp } from '@audience/example-webapp';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const host = '127.0.0.1';
// Every port can be chosen: a flag (--idp-port 4100) or an environment variable (AUDIENCE_IDP_PORT=4100).
const PORTS = {
  idp: ['authorization server', 4000],
  spa: ['SPA example', 5173],
  webapp: ['web app example', 5174],
  react: ['React SPA example', 5175],
  api: ['example API', 5180],
};
const { values: flags } = parseArgs({ options: Object.fromEntries(Object.keys(PORTS).map((name) => [`${name}-port`, { type: 'string' }])) });
const ports = Object.fromEntries(
  Object.entries(PORTS).map(([name, [, fallback]]) => [name, Number(flags[`${name}-port`] ?? process.env[`AUDIENCE_${name.toUpperCase()}_PORT`] ?? fallback)]),
);
const spaOrigin = `http://${host}:${ports.spa}`;
const reactOrigin = `http://${host}:${ports.react}`;
const webappOrigin = `http://${host}:${ports.webapp}`;

/** Starts one part of the demo; a port in use ends the demo with what to do instead of a stack trace. */
async function listen(name, start) {
  try {
    return await start();
  } catch (err) {
    const inUse = err?.code === 'EADDRINUSE' || /already in use/i.test(String(err?.message));
    if (!inUse) throw err;
    const [what] = PORTS[name];
    console.error(`Port ${ports[name]} (${what}) is already in use: another \`npm run dev\` or another program is listening there.
Stop it, or choose other ports, e.g.  npm run dev -- --${name}-port ${ports[name] + 100}  or  AUDIENCE_${name.toUpperCase()}_PORT=${ports[name] + 100} npm run dev
Ports: ${Object.keys(PORTS).map((n) => `--${n}-port ${ports[n]}`).join('  ')}`);
    process.exit(1);
  }
}

const idp = await listen('idp', () =>
  startDevServer({
    port: ports.idp,
    spaRedirectUris: [`${spaOrigin}/callback`, `${reactOrigin}/callback`],
    webappRedirectUris: [`${webappOrigin}/callback`],
    postLogoutRedirectUris: [`${spaOrigin}/`, `${reactOrigin}/`, `${webappOrigin}/`],
  }),
);
const api = await listen('api', () => startExampleApi({ issuer: idp.issuer, port: ports.api, corsOrigins: [spaOrigin, reactOrigin] }));
const webapp = await listen('webapp', () => startExampleWebApp({ issuer: idp.issuer, apiUrl: api.url, port: ports.webapp }));
const spa = await createServer({
  root: fileURLToPath(new URL('../examples/spa', import.meta.url)),
  configFile: false,
  logLevel: 'warn',
  server: { host, port: ports.spa, strictPort: true },
  define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
});
await listen('spa', () => spa.listen());
// The React example: the same app with @audience/react (Vite compiles its TSX with esbuild).
const reactSpa = await createServer({
  root: fileURLToPath(new URL('../examples/react-spa', import.meta.url)),
  configFile: false,
  logLevel: 'warn',
  server: { host, port: ports.react, strictPort: true },
  esbuild: { jsx: 'automatic' },
  define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
});
await listen('react', () => reactSpa.listen());

console.log(`
Audience demo: everything runs on this machine, no account needed.

  SPA example             ${spaOrigin}/   (browser package: sign in, userinfo, one JWT per API)
  React SPA example       ${reactOrigin}/   (react package: the same app with hooks)
  Server-side web app     ${webapp.url}/   (node package: sessions behind an HttpOnly cookie)
  Example API             ${api.url}   (GET /api/items, POST /api/items, GET /billing/invoices)
  Authorization server    ${idp.issuer}   (oidc-provider, development only)

  Demo accounts           alice / alice, bob / bob
  Clients                 audience-spa (public, PKCE), audience-webapp / dev-webapp-secret,
                          audience-service / dev-service-secret, audience-service-jwt (private_key_jwt)
  APIs                    https://api.example.com (read write), https://billing.example.com (invoices:read)

The example service calls the API every 5 seconds; it logs each new token, and otherwise once a minute:
`);
const service = startExampleService({ issuer: idp.issuer, apiUrl: api.url });
void service.tick();

const stop = async () => {
  service.stop();
  await Promise.allSettled([spa.close(), reactSpa.close(), webapp.close(), api.close(), idp.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
