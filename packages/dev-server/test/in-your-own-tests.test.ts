// A real OpenID Provider in your own Vitest suite: no account, no network, faults on demand, requests counted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_RESOURCE, CLIENTS, SERVICE_SECRET, startDevServer, type DevServer } from '@audience/dev-server';
import { createServiceClient } from '@audience/node';

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ interactionMode: 'auto' }); // 127.0.0.1, a free port
});
afterAll(() => server.close());

it('my service survives a token endpoint that fails once', async () => {
  const service = createServiceClient({
    issuer: server.issuer,
    clientId: CLIENTS.service,
    clientSecret: SERVICE_SECRET,
    dangerouslyAllowInsecureHttp: true, // the development server is http://127.0.0.1
  });
  server.control.injectFault('token', { type: 'status', status: 500 }, { times: 1 });
  await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });

  server.control.clearFaults();
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // the service client backs off for 1 s after a failure
  await expect(service.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
  expect(server.control.requests('token').map((r) => r.status)).toEqual([500, 200]);
});
