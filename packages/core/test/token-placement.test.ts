import { expect, it, vi } from 'vitest';
import { API_RESOURCE, decodeJwt, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();

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
  const { client } = makeClient(env.server, { fetch: grantedResourceFetch });
  await signIn(client);
  await expect(client.getAccessToken(undefined, { forceRefresh: true })).rejects.toMatchObject({
    code: 'ERR_SERVER_RESPONSE',
    message: expect.stringContaining(`a token for ${API_RESOURCE}`),
  });
  env.server.control.clearLog();
  const api = await client.getAccessToken(API_RESOURCE);
  expect(decodeJwt(api)['aud']).toBe(API_RESOURCE);
  expect(refreshRequests(env.server)).toHaveLength(0); // the misplaced token was kept where it belongs
});
