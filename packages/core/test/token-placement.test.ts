import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { DevServer } from '@audience/dev-server';
import { API_RESOURCE, decodeJwt, makeClient, refreshRequests, signIn, startServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

let server: DevServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/**
 * Some servers answer a refresh without `resource` with the JWT of the single granted resource. Simulated here by
 * adding `resource` on the way to the real server.
 */
const grantedResourceFetch: typeof fetch = async (input, init) => {
  const body = init?.body;
  if (String(input).endsWith('/token') && body instanceof URLSearchParams && body.get('grant_type') === 'refresh_token' && !body.has('resource')) {
    body.set('resource', API_RESOURCE);
  }
  return fetch(input, init);
};

it('never hands out a resource JWT as the userinfo token; files it under its resource instead', async () => {
  const { client } = makeClient(server, { fetch: grantedResourceFetch });
  await signIn(client);
  await expect(client.getAccessToken(undefined, { forceRefresh: true })).rejects.toMatchObject({
    code: 'ERR_SERVER_RESPONSE',
    message: expect.stringContaining(`a token for ${API_RESOURCE}`),
  });
  server.control.clearLog();
  const api = await client.getAccessToken(API_RESOURCE);
  expect(decodeJwt(api)['aud']).toBe(API_RESOURCE);
  expect(refreshRequests(server)).toHaveLength(0); // the misplaced token was kept where it belongs
});
