// The demo: the development authorization server, the example API, service, server-side web app and SPA.
// Run through `npm run dev`, which builds the packages first.
import { startDevServer } from '@audience/dev-server';
import { startExampleApi } from '@audience/example-api';
import { startExampleService } from '@audience/example-service';
import { startExampleWebApp } from '@audience/example-webapp';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';

const host = '127.0.0.1';
const ports = { idp: 4000, spa: 5173, webapp: 5174, reactSpa: 5175, api: 5180 };
const spaOrigin = `http://${host}:${ports.spa}`;
const reactOrigin = `http://${host}:${ports.reactSpa}`;

const idp = await startDevServer({ port: ports.idp });
const api = await startExampleApi({ issuer: idp.issuer, port: ports.api, corsOrigins: [spaOrigin, reactOrigin] });
const webapp = await startExampleWebApp({ issuer: idp.issuer, apiUrl: api.url, port: ports.webapp });
const spa = await createServer({
  root: fileURLToPath(new URL('../examples/spa', import.meta.url)),
  configFile: false,
  logLevel: 'warn',
  server: { host, port: ports.spa, strictPort: true },
  define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
});
await spa.listen();
// The React example: the same app with @audience/react (Vite compiles its TSX with esbuild).
const reactSpa = await createServer({
  root: fileURLToPath(new URL('../examples/react-spa', import.meta.url)),
  configFile: false,
  logLevel: 'warn',
  server: { host, port: ports.reactSpa, strictPort: true },
  esbuild: { jsx: 'automatic' },
  define: { __AUDIENCE_DEMO__: JSON.stringify({ issuer: idp.issuer, apiUrl: api.url }) },
});
await reactSpa.listen();

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

The example service calls the API every 5 seconds:
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
