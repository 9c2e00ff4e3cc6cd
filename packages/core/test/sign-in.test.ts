import { describe, expect, it, vi } from 'vitest';
import { isAudienceError, type AuthState } from '@audience/core';
import { API_RESOURCE, BILLING_RESOURCE, decodeJwt, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

// The dev server warns once about its http issuer; keep the output readable.
vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();

describe('sign-in and getAccessToken against the real server', () => {
  it('signs in, serves the userinfo token and one JWT per resource, and caches them', async () => {
    const { client } = makeClient(env.server);
    const states: AuthState['status'][] = [];
    client.subscribe((s) => states.push(s.status));
    await signIn(client);
    expect(client.getSnapshot()).toMatchObject({ status: 'signed-in', claims: { sub: 'alice' } });
    expect(await client.isAuthenticated()).toBe(true);

    const userinfoToken = await client.getAccessToken();
    expect(userinfoToken.split('.')).toHaveLength(1); // opaque
    await expect(client.fetchUserInfo()).resolves.toMatchObject({ sub: 'alice', name: 'Alice Example' });

    const api = await client.getAccessToken(API_RESOURCE);
    const billing = await client.getAccessToken(BILLING_RESOURCE);
    expect(decodeJwt(api)).toMatchObject({ aud: API_RESOURCE, sub: 'alice', scope: 'read write' });
    expect(decodeJwt(billing)).toMatchObject({ aud: BILLING_RESOURCE, scope: 'invoices:read' });
    expect(refreshRequests(env.server).map((r) => r.resource)).toEqual([API_RESOURCE, BILLING_RESOURCE]);

    env.server.control.clearLog();
    for (let i = 0; i < 5; i++) {
      expect(await client.getAccessToken()).toBe(userinfoToken);
      expect(await client.getAccessToken(API_RESOURCE)).toBe(api);
      expect(await client.getAccessToken(BILLING_RESOURCE)).toBe(billing);
    }
    expect(env.server.control.requests('token')).toHaveLength(0);
    expect(states).toContain('signed-in');
  });

  it('refuses a resource that was not requested at sign-in without sending the refresh token', async () => {
    const { client } = makeClient(env.server, { resources: [API_RESOURCE] });
    await signIn(client);
    env.server.control.clearLog();
    await expect(client.getAccessToken(BILLING_RESOURCE)).rejects.toMatchObject({ code: 'ERR_INVALID_RESOURCE' });
    expect(env.server.control.requests('token')).toHaveLength(0);
    // The session is intact.
    expect(decodeJwt(await client.getAccessToken(API_RESOURCE))['aud']).toBe(API_RESOURCE);
  });

  it('narrows a token with scopes and caches it apart from the full one', async () => {
    const { client } = makeClient(env.server);
    await signIn(client);
    const full = await client.getAccessToken(API_RESOURCE);
    const readOnly = await client.getAccessToken(API_RESOURCE, { scopes: ['read'] });
    expect(decodeJwt(readOnly)['scope']).toBe('read');
    expect(readOnly).not.toBe(full);
    expect(await client.getAccessToken(API_RESOURCE, { scopes: ['read'] })).toBe(readOnly);
    expect(await client.getAccessToken(API_RESOURCE)).toBe(full);
  });

  it('builds a PKCE S256 request with state, nonce, every resource, and prompt=consent for offline_access', async () => {
    const { client } = makeClient(env.server);
    const url = await client.buildSignInUrl({ loginHint: 'bob' });
    expect(url.origin + url.pathname).toBe(`${env.server.issuer}/auth`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.getAll('resource')).toEqual([API_RESOURCE, BILLING_RESOURCE]);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('login_hint')).toBe('bob');
    const noOffline = await makeClient(env.server, { scopes: ['openid', 'profile'] }).client.buildSignInUrl({});
    expect(noOffline.searchParams.has('prompt')).toBe(false);
    const login = await client.buildSignInUrl({ prompt: 'login' });
    expect(login.searchParams.get('prompt')).toBe('login');
  });

  it('keeps several sign-ins pending at once, each completed by its own state', async () => {
    const { client } = makeClient(env.server);
    const first = await client.buildSignInUrl({ loginHint: 'alice', appState: { returnTo: '/a' } });
    const second = await client.buildSignInUrl({ loginHint: 'bob', appState: { returnTo: '/b' } });
    const { walkSignIn } = await import('@audience/dev-server');
    const secondCallback = await walkSignIn(second);
    const firstCallback = await walkSignIn(first);
    await expect(client.handleCallback(secondCallback)).resolves.toMatchObject({ claims: { sub: 'bob' }, appState: { returnTo: '/b' } });
    await expect(client.handleCallback(firstCallback)).resolves.toMatchObject({ claims: { sub: 'alice' }, appState: { returnTo: '/a' } });
    expect((await client.getIdTokenClaims())?.sub).toBe('alice');
  });

  it('signs in through PAR when asked to', async () => {
    const { client } = makeClient(env.server, { usePushedAuthorizationRequests: true });
    const url = await client.buildSignInUrl();
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const { walkSignIn } = await import('@audience/dev-server');
    await client.handleCallback(await walkSignIn(url));
    expect(await client.isAuthenticated()).toBe(true);
    expect(env.server.control.requests('par')).toHaveLength(1);
  });

  it('signs out: revokes the refresh token, empties the store and returns the end-session URL', async () => {
    const { client, store } = makeClient(env.server, { postLogoutRedirectUri: 'http://127.0.0.1:5173/' });
    await signIn(client);
    const session = await store.get<{ refreshToken: string; idToken: string }>('session');
    const url = await client.signOut();
    expect(url?.origin + (url?.pathname ?? '')).toBe(`${env.server.issuer}/session/end`);
    expect(url?.searchParams.get('id_token_hint')).toBe(session?.idToken);
    expect(url?.searchParams.get('client_id')).toBe('audience-spa');
    expect(url?.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1:5173/');
    expect(url?.searchParams.get('state')).toMatch(/.{16,}/);
    expect(await store.get('session')).toBeUndefined();
    expect(client.getSnapshot()).toMatchObject({ status: 'signed-out', reason: 'signed_out' });
    expect(env.server.control.requests('revocation').map((r) => r.status)).toEqual([200]);
    await expect(client.getAccessToken(API_RESOURCE)).rejects.toSatisfy((e) => isAudienceError(e, 'ERR_LOGIN_REQUIRED'));
  });
});
