import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore, type StoredSession } from '@audience/core';
import { API_RESOURCE, makeClient, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();

describe('values read back from the store are checked whole', () => {
  const tamperings: Array<[string, (s: StoredSession) => unknown]> = [
    ['tokens: null', (s) => ({ ...s, tokens: null })],
    ['no resources', ({ resources: _, ...s }) => s],
    ['resources not strings', (s) => ({ ...s, resources: [42] })],
    ['a token without accessToken', (s) => ({ ...s, tokens: { [API_RESOURCE]: { expiresAt: Date.now() + 60_000 } } })],
    ['a refresh token that is not a string', (s) => ({ ...s, refreshToken: { token: 'x' } })],
    ['claims about another sub', (s) => ({ ...s, claims: { ...s.claims, sub: 'mallory' } })],
    ['a string', () => 'session'],
  ];
  it.each(tamperings)('a stored session with %s counts as no session (ERR_LOGIN_REQUIRED, never a TypeError)', async (_name, tamper) => {
    const store = createMemoryStore();
    const { client } = makeClient(env.server, { store });
    await signIn(client);
    await store.set('session', tamper((await store.get<StoredSession>('session'))!));
    const tab = makeClient(env.server, { store });
    expect(await tab.client.reload()).toEqual({ status: 'signed-out', reason: 'no_session' });
    expect(await tab.client.isAuthenticated()).toBe(false);
    expect(await tab.client.getIdTokenClaims()).toBeUndefined();
    await expect(tab.client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
    await expect(tab.client.fetchUserInfo()).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
  });

  it('a tampered pending sign-in is no pending sign-in: ERR_CALLBACK, nothing exchanged', async () => {
    const { client, store } = makeClient(env.server);
    const url = await client.buildSignInUrl();
    const key = `transaction:${url.searchParams.get('state')}`;
    await store.set(key, { ...(await store.get<object>(key)), codeVerifier: null });
    const callback = new URL('http://127.0.0.1:9/callback');
    callback.searchParams.set('code', 'x');
    callback.searchParams.set('state', url.searchParams.get('state')!);
    env.server.control.clearLog();
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
    expect(env.server.control.requests('token')).toHaveLength(0);
  });
});
