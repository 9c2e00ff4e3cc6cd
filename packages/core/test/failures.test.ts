import { describe, expect, it, vi } from 'vitest';
import type { Fault } from '@audience/dev-server';
import type { AuthState } from '@audience/core';
import { API_RESOURCE, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });

describe('failures are typed and lose nothing', () => {
  it('a grant revoked at the server ends the session: ERR_LOGIN_REQUIRED, store emptied, subscribers told', async () => {
    const { client, store } = makeClient(env.server);
    await signIn(client, 'bob');
    const seen: AuthState[] = [];
    client.subscribe((s) => seen.push(s));
    expect(env.server.control.revokeGrants('bob')).toBeGreaterThan(0);

    await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED', error: 'invalid_grant' });
    expect(await store.get('session')).toBeUndefined();
    expect(seen.at(-1)).toEqual({ status: 'signed-out', reason: 'session_expired' });
    expect(await client.isAuthenticated()).toBe(false);
    // Nothing is sent again: there is no refresh token left to send.
    env.server.control.clearLog();
    await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  const faults: Array<[string, Fault, string]> = [
    ['HTTP 500', { type: 'status', status: 500 }, 'ERR_SERVER_RESPONSE'],
    ['an HTML error page', { type: 'html-error' }, 'ERR_SERVER_RESPONSE'],
    ['a malformed JSON body', { type: 'malformed-json' }, 'ERR_SERVER_RESPONSE'],
    ['a dropped connection', { type: 'drop' }, 'ERR_NETWORK'],
    ['no answer within timeoutMs', { type: 'hang', ms: 1_000 }, 'ERR_NETWORK'],
  ];
  it.each(faults)('%s at the token endpoint: %s kept nothing lost, and the next call works', async (_name, fault, code) => {
    const { client, store } = makeClient(env.server, { timeoutMs: 500 });
    await signIn(client);
    env.clock.advance(130);
    const before = await store.get<{ refreshToken: string }>('session');
    env.server.control.injectFault('token', fault, { times: 1 });

    await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code, cause: expect.anything() });
    const after = await store.get<{ refreshToken: string }>('session');
    expect(after?.refreshToken).toBe(before?.refreshToken);
    expect(client.getSnapshot().status).toBe('signed-in');

    await expect(client.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
    expect(refreshRequests(env.server).map((r) => r.fault ?? 'ok')).toEqual([fault.type, 'ok']);
  });

  it('the server down: ERR_NETWORK, refresh token kept, success once it is back', async () => {
    const { client, store } = makeClient(env.server);
    await signIn(client);
    env.clock.advance(130);
    const before = await store.get<{ refreshToken: string }>('session');
    const realFetch = globalThis.fetch;
    const down = vi.fn(async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    });
    vi.stubGlobal('fetch', down);
    try {
      await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_NETWORK' });
      expect(down).toHaveBeenCalled();
    } finally {
      vi.stubGlobal('fetch', realFetch);
    }
    expect((await store.get<{ refreshToken: string }>('session'))?.refreshToken).toBe(before?.refreshToken);
    await expect(client.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
  });

  it('an issuer that differs from the server\'s (localhost vs 127.0.0.1) names both values and says they must match', async () => {
    const { client } = makeClient(env.server, { issuer: env.server.issuer.replace('127.0.0.1', 'localhost') });
    const failure = await client.buildSignInUrl().catch((err: Error) => err);
    expect(failure).toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    expect((failure as Error).message).toContain(`expected issuer ${env.server.issuer.replace('127.0.0.1', 'localhost')}/, got ${env.server.issuer}`);
    expect((failure as Error).message).toContain('must match exactly');
  });

  it('a discovery answered 404 (a wrong issuer path) says the HTTP status', async () => {
    const { client } = makeClient(env.server, { issuer: `${env.server.issuer}/tenant-that-does-not-exist` });
    await expect(client.buildSignInUrl()).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE', message: expect.stringContaining('HTTP 404') });
  });

  it.each([
    ['an unknown client_id', { clientId: 'no-such-client' }, 'invalid_client', '"options.clientId"'],
    ['an unregistered redirect_uri', { redirectUri: 'http://127.0.0.1:9/not-registered' }, 'invalid_request', '"options.redirectUri"'],
  ])('%s found out through PAR names the option to check', async (_name, overrides, error, option) => {
    const { client } = makeClient(env.server, { ...overrides, usePushedAuthorizationRequests: true });
    const failure = await client.buildSignInUrl().catch((err: Error) => err);
    expect(failure).toMatchObject({ code: 'ERR_OAUTH', error });
    expect((failure as Error).message).toContain(option);
  });

  it('a failed discovery is not cached', async () => {
    env.server.control.injectFault('discovery', { type: 'status', status: 503 }, { times: 1 });
    const { client } = makeClient(env.server);
    await expect(client.buildSignInUrl()).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    await expect(client.buildSignInUrl()).resolves.toBeInstanceOf(URL);
    expect(env.server.control.requests('discovery').map((r) => r.status)).toEqual([503, 200]);
  });
});
