import { describe, expect, it, vi } from 'vitest';
import { walkSignIn } from '@audience/dev-server';
import type { KeyValueStore, OidcClient } from '@audience/core';
import { makeClient, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (jwt: string): [Record<string, unknown>, Record<string, unknown>, string] => {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return [JSON.parse(Buffer.from(h, 'base64url').toString()), JSON.parse(Buffer.from(p, 'base64url').toString()), s];
};

/** A fetch that rewrites the ID token in token responses, as an attacker in the middle would. */
function tamperingFetch(tamper: (idToken: string) => string): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input instanceof Request ? input.url : input).endsWith('/token') || !response.ok) return response;
    const body = (await response.json()) as Record<string, string>;
    if (body['id_token']) body['id_token'] = tamper(body['id_token']);
    return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
}

async function pendingCallback(client: OidcClient): Promise<URL> {
  return walkSignIn(await client.buildSignInUrl());
}

async function expectNothingStored(client: OidcClient, store: KeyValueStore): Promise<void> {
  expect(await store.get('session')).toBeUndefined();
  expect(await client.isAuthenticated()).toBe(false);
  expect(client.getSnapshot().status).not.toBe('signed-in');
}

describe('negative callbacks', () => {
  it('wrong state', async () => {
    const { client, store } = makeClient(env.server);
    const callback = await pendingCallback(client);
    callback.searchParams.set('state', 'forged-state');
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
    await expectNothingStored(client, store);
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  it('wrong iss (RFC 9207 mix-up defence)', async () => {
    const { client, store } = makeClient(env.server);
    const callback = await pendingCallback(client);
    callback.searchParams.set('iss', 'https://attacker.example.com');
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
    await expectNothingStored(client, store);
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  it('error=access_denied from the server', async () => {
    const { client, store } = makeClient(env.server);
    const url = await client.buildSignInUrl();
    const callback = new URL('http://127.0.0.1:9/callback');
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('error_description', 'The user cancelled.');
    callback.searchParams.set('state', url.searchParams.get('state')!);
    callback.searchParams.set('iss', env.server.issuer);
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK', error: 'access_denied' });
    await expectNothingStored(client, store);
  });

  it('a replayed callback is an error and changes nothing', async () => {
    const { client, store } = makeClient(env.server);
    const callback = await pendingCallback(client);
    await client.handleCallback(callback);
    const session = await store.get('session');
    env.server.control.clearLog();
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
    expect(await store.get('session')).toEqual(session);
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  it('a duplicated code parameter is ERR_CALLBACK, and no code is exchanged', async () => {
    const { client, store } = makeClient(env.server);
    const callback = await pendingCallback(client);
    callback.searchParams.append('code', 'attacker-code');
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_CALLBACK' });
    await expectNothingStored(client, store);
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  it('token_type "mac" at the code exchange is ERR_SERVER_RESPONSE (the token response, not the ID token)', async () => {
    const mac: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/token')) return response;
      return Response.json({ ...((await response.json()) as object), token_type: 'mac' });
    };
    const { client, store } = makeClient(env.server, { fetch: mac });
    await expect(client.handleCallback(await pendingCallback(client))).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE', message: expect.stringContaining('token_type') });
    await expectNothingStored(client, store);
  });

  it('a pending sign-in older than 15 minutes is refused (ERR_CALLBACK), and a younger one is accepted', async () => {
    let time = Date.now();
    const { client, store } = makeClient(env.server, { now: () => time });
    const late = await pendingCallback(client);
    time += 15 * 60_000 + 1_000;
    env.server.control.clearLog();
    await expect(client.handleCallback(late)).rejects.toMatchObject({ code: 'ERR_CALLBACK', message: expect.stringContaining('expired') });
    expect(env.server.control.requests('token')).toHaveLength(0);
    await expectNothingStored(client, store);
    const onTime = await pendingCallback(client);
    time += 14 * 60_000;
    await expect(client.handleCallback(onTime)).resolves.toMatchObject({ claims: { sub: 'alice' } });
  });

  it('wrong nonce', async () => {
    const { client, store } = makeClient(env.server);
    const callback = await pendingCallback(client);
    const key = `transaction:${callback.searchParams.get('state')}`;
    await store.set(key, { ...(await store.get<object>(key)), nonce: 'another-nonce' });
    await expect(client.handleCallback(callback)).rejects.toMatchObject({ code: 'ERR_ID_TOKEN' });
    await expectNothingStored(client, store);
  });
});

describe('negative ID tokens', () => {
  const cases: Array<[string, (idToken: string) => string]> = [
    ['alg none', (t) => { const [h, p] = parts(t); return `${b64({ ...h, alg: 'none' })}.${b64(p)}.`; }],
    ['a bad signature', (t) => { const [h, p, s] = parts(t); return `${b64(h)}.${b64(p)}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`; }],
    ['a payload changed after signing', (t) => { const [h, p, s] = parts(t); return `${b64(h)}.${b64({ ...p, name: 'Mallory' })}.${s}`; }],
    ['a wrong aud', (t) => { const [h, p, s] = parts(t); return `${b64(h)}.${b64({ ...p, aud: 'another-client' })}.${s}`; }],
  ];
  it.each(cases)('%s', async (_name, tamper) => {
    const { client, store } = makeClient(env.server, { fetch: tamperingFetch(tamper) });
    await expect(client.handleCallback(await pendingCallback(client))).rejects.toMatchObject({ code: 'ERR_ID_TOKEN' });
    await expectNothingStored(client, store);
  });

  it('an expired ID token (client clock two hours ahead)', async () => {
    const { client, store } = makeClient(env.server, { now: () => Date.now() + 2 * 3600_000 });
    await expect(client.handleCallback(await pendingCallback(client))).rejects.toMatchObject({ code: 'ERR_ID_TOKEN' });
    await expectNothingStored(client, store);
  });
});
