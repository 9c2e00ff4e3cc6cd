import { expect, it, vi } from 'vitest';
import { walkSignIn } from '@audience/dev-server';
import { API_RESOURCE, BILLING_RESOURCE, decodeJwt, makeClient, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();

/** Plays another server in front of the dev server: records each token request body, then rewrites it. */
function inFront(rewrite: (body: URLSearchParams) => void): { fetch: typeof fetch; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    fetch: async (input, init) => {
      if (!String(input).endsWith('/token')) return fetch(input, init);
      const body = new URLSearchParams(String(init?.body));
      sent.push(body.toString());
      rewrite(body);
      return fetch(input, { ...init, body });
    },
  };
}

it('resourceParameter "audience" (Auth0) names the API with audience: one at sign-in, the others at refresh', async () => {
  // Auth0 takes `audience` where the dev server takes RFC 8707 `resource`.
  const { fetch: auth0, sent } = inFront((body) => {
    const audience = body.get('audience');
    body.delete('audience');
    if (audience) body.set('resource', audience);
  });
  const { client } = makeClient(env.server, { resourceParameter: 'audience', fetch: auth0 });
  const url = await client.buildSignInUrl();
  expect(url.searchParams.getAll('audience')).toEqual([API_RESOURCE]);
  expect(url.searchParams.has('resource')).toBe(false);
  // Auth0's Multi-Resource Refresh Token policy grants the billing API too.
  url.searchParams.delete('audience');
  url.searchParams.append('resource', API_RESOURCE);
  url.searchParams.append('resource', BILLING_RESOURCE);
  await client.handleCallback(await walkSignIn(url));

  expect(decodeJwt(await client.getAccessToken(BILLING_RESOURCE))).toMatchObject({ aud: BILLING_RESOURCE });
  const refresh = new URLSearchParams(sent.at(-1));
  expect(refresh.get('grant_type')).toBe('refresh_token');
  expect(refresh.get('audience')).toBe(BILLING_RESOURCE);
  expect(refresh.has('resource')).toBe(false);
});

it('resourceParameter "none" (Entra ID) sends no resource: the scopes select the API, and the token must still be for it', async () => {
  // Entra picks the API from the scope (here `write` means the main API; `invoices:read` is misconfigured to it too).
  const { fetch: entra, sent } = inFront((body) => {
    if (body.get('scope') === 'write' || body.get('scope') === 'invoices:read') body.set('resource', API_RESOURCE);
  });
  const { client } = makeClient(env.server, { resourceParameter: 'none', fetch: entra });
  const url = await client.buildSignInUrl();
  expect(url.searchParams.has('resource')).toBe(false);
  url.searchParams.append('resource', API_RESOURCE);
  url.searchParams.append('resource', BILLING_RESOURCE);
  await client.handleCallback(await walkSignIn(url));
  expect(decodeJwt(await client.getAccessToken(API_RESOURCE, { scopes: ['write'] }))).toMatchObject({ aud: API_RESOURCE, scope: 'write' });
  expect(new URLSearchParams(sent.at(-1)).has('resource')).toBe(false);
  // A token for another API than the one asked for is refused, whatever selected it.
  await expect(client.getAccessToken(BILLING_RESOURCE, { scopes: ['invoices:read'] })).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
});
