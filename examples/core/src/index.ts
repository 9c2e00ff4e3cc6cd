// The core package on its own: sign in, then one token per API and the userinfo token. Runs in the test suite.
import { createMemoryStore, createOidcClient } from '@audience/core';

/**
 * @param issuer - the development server's issuer.
 * @param browser - follows the authorization URL to the callback URL, as a browser would.
 */
export async function coreExample(issuer: string, browser: (url: URL) => Promise<URL>) {
  const client = createOidcClient({
    issuer,
    clientId: 'audience-spa',
    redirectUri: 'http://127.0.0.1:5173/callback',
    scopes: ['openid', 'offline_access', 'profile', 'read'],
    resources: ['https://api.example.com'],
    store: createMemoryStore(),
    dangerouslyAllowInsecureHttp: true, // the development server is http://127.0.0.1
  });
  const signInUrl = await client.buildSignInUrl();
  await client.handleCallback(await browser(signInUrl));

  const apiToken = await client.getAccessToken('https://api.example.com'); // a JWT, aud = the API
  const userinfo = await client.fetchUserInfo(); // through the opaque userinfo token
  return { apiToken, userinfo, state: client.getSnapshot() };
}
