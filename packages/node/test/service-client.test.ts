import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, SERVICE_SECRET } from '@audience/dev-server';
import { createMemoryStore, createOidcClient } from '@audience/node';
import { decodeJwt, serviceClient, tokenRequests, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();
beforeEach(() => {
  env.server.control.setTtl({ accessToken: 600, clientCredentials: 600 });
});

describe('createServiceClient against the real server', () => {
  it('1 000 concurrent calls on a cold cache make exactly one token request; two resources make two', async () => {
    const service = serviceClient(env.server);
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => service.getAccessToken(API_RESOURCE)));
    expect(new Set(tokens).size).toBe(1);
    expect(decodeJwt(tokens[0]!)).toMatchObject({ aud: API_RESOURCE, client_id: CLIENTS.service });
    expect(tokenRequests(env.server)).toHaveLength(1);

    env.server.control.clearLog();
    const other = serviceClient(env.server);
    const mixed = await Promise.all(Array.from({ length: 1000 }, (_, i) => other.getAccessToken(i % 2 ? API_RESOURCE : BILLING_RESOURCE)));
    expect(new Set(mixed).size).toBe(2);
    expect(tokenRequests(env.server).map((r) => r.resource).sort()).toEqual([API_RESOURCE, BILLING_RESOURCE]);
  });

  it('authenticates with client_secret_basic, client_secret_post and private_key_jwt', async () => {
    const basic = serviceClient(env.server, { tokenEndpointAuthMethod: 'client_secret_basic' });
    const post = serviceClient(env.server, { tokenEndpointAuthMethod: 'client_secret_post' });
    const jwt = serviceClient(env.server, { clientId: CLIENTS.serviceJwt, clientSecret: undefined, privateKey: env.server.serviceJwtPrivateKey } as never);
    expect(decodeJwt(await basic.getAccessToken(API_RESOURCE))['client_id']).toBe(CLIENTS.service);
    expect(decodeJwt(await post.getAccessToken(API_RESOURCE))['client_id']).toBe(CLIENTS.service);
    expect(decodeJwt(await jwt.getAccessToken(BILLING_RESOURCE))).toMatchObject({ client_id: CLIENTS.serviceJwt, aud: BILLING_RESOURCE });
    expect(tokenRequests(env.server).map((r) => r.status)).toEqual([200, 200, 200]);
    const wrong = serviceClient(env.server, { clientSecret: `${SERVICE_SECRET}-wrong` });
    await expect(wrong.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_OAUTH', error: 'invalid_client' });
  });

  it('refreshes ahead: under continuous calls no call waits once the first token exists, one request per lifetime', async () => {
    env.server.control.setTtl({ accessToken: 100, clientCredentials: 100 });
    // Every token request takes 300 ms, so a caller that waited for one is easy to see.
    env.server.control.injectFault('token', { type: 'delay', ms: 300 });
    const service = serviceClient(env.server, { expiryLeewaySeconds: 10 });
    await service.getAccessToken(API_RESOURCE);
    const waited: number[] = [];
    for (let step = 0; step < 50; step++) {
      env.clock.advance(10); // 500 s in all: five lifetimes of 100 s
      const started = performance.now();
      await Promise.all([service.getAccessToken(API_RESOURCE), service.getAccessToken(API_RESOURCE)]);
      if (performance.now() - started > 150) waited.push(step);
      await service.idle(); // let a background refresh land before time moves on
    }
    expect(waited).toEqual([]);
    // Usable lifetime 90 s, refresh at 80 % of it (72 s): a request every 80 s of this 10-s-step traffic.
    const requests = tokenRequests(env.server).length;
    expect(requests).toBeGreaterThanOrEqual(6);
    expect(requests).toBeLessThanOrEqual(8);
  });

  it('a failing background refresh keeps serving the valid token, retried with a growing backoff, then fails typed after expiry, then recovers', async () => {
    env.server.control.setTtl({ accessToken: 100, clientCredentials: 100 });
    const service = serviceClient(env.server, { expiryLeewaySeconds: 10 });
    const first = await service.getAccessToken(API_RESOURCE);
    env.server.control.injectFault('token', { type: 'status', status: 500 });
    env.clock.advance(75); // past the refresh-ahead point
    for (let second = 75; second < 85; second++) {
      expect(await service.getAccessToken(API_RESOURCE)).toBe(first);
      await service.idle();
      env.clock.advance(1);
    }
    // Failures at 75 s (next try after 1 s), 76 s (2 s), 78 s (4 s) and 82 s (8 s): 4 requests in 10 calls.
    expect(tokenRequests(env.server).filter((r) => r.fault === 'status')).toHaveLength(4);
    env.clock.advance(20); // past expiry minus leeway, and past the backoff
    await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    env.server.control.injectFault('token', { type: 'drop' });
    env.clock.advance(31);
    await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    env.server.control.clearFaults();
    env.clock.advance(31);
    const recovered = await service.getAccessToken(API_RESOURCE);
    expect(recovered).not.toBe(first);
    expect(decodeJwt(recovered)['aud']).toBe(API_RESOURCE);
  });

  it('a token endpoint answering 500: 200 calls make 1 request; the failure is shared for a growing interval', async () => {
    env.server.control.injectFault('token', { type: 'status', status: 500 });
    const service = serviceClient(env.server);
    const calls = () => Promise.all(Array.from({ length: 200 }, () => service.getAccessToken(API_RESOURCE).catch((err: { code: string }) => err.code)));
    expect(new Set(await calls())).toEqual(new Set(['ERR_SERVER_RESPONSE']));
    for (let i = 0; i < 10; i++) await calls();
    expect(tokenRequests(env.server)).toHaveLength(1);
    env.clock.advance(1.1);
    await calls();
    expect(tokenRequests(env.server)).toHaveLength(2);
    env.clock.advance(1.1); // the second failure backs off 2 s
    await calls();
    expect(tokenRequests(env.server)).toHaveLength(2);
    env.clock.advance(1);
    env.server.control.clearFaults();
    expect(new Set(await calls()).size).toBe(1);
    expect(tokenRequests(env.server).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('a 503 with Retry-After: 30 is not retried for 30 s', async () => {
    let answered = 0;
    const unavailable: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/token')) return fetch(input, init);
      answered++;
      return Response.json({ error: 'temporarily_unavailable' }, { status: 503, headers: { 'retry-after': '30' } });
    };
    const service = serviceClient(env.server, { fetch: unavailable });
    await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    env.clock.advance(29);
    await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    expect(answered).toBe(1);
    env.clock.advance(2);
    await expect(service.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_SERVER_RESPONSE' });
    expect(answered).toBe(2);
  });

  it('a token that lives no longer than the leeway is still reused: 50 calls, 1 request', async () => {
    env.server.control.setTtl({ accessToken: 20, clientCredentials: 20 });
    const service = serviceClient(env.server); // default leeway 30 s
    const tokens = new Set<string>();
    for (let i = 0; i < 50; i++) tokens.add(await service.getAccessToken(API_RESOURCE));
    expect(tokens.size).toBe(1);
    expect(tokenRequests(env.server)).toHaveLength(1);
  });

  it('a service refuses a missing resource, also after a user client of the same process asked for its userinfo token', async () => {
    const user = createOidcClient({ issuer: 'https://id.example.com', clientId: 'spa', redirectUri: 'https://app.example.com/cb', store: createMemoryStore() });
    for (const scopes of [undefined, ['openid']]) {
      await expect(user.getAccessToken(undefined, scopes && { scopes })).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
      await expect(serviceClient(env.server).getAccessToken(undefined as never, scopes && { scopes })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"resource"') });
    }
    expect(tokenRequests(env.server)).toHaveLength(0);
  });

  it('a private JWK that cannot be imported is ERR_INVALID_OPTION, naming the option, with no key material in the message', async () => {
    const { d: _d, ...publicOnly } = env.server.serviceJwtPrivateKey;
    const broken = { ...env.server.serviceJwtPrivateKey, d: 'AAAA', x: 'not-a-coordinate' };
    for (const privateKey of [broken, { ...publicOnly, d: 'x'.repeat(43) }]) {
      const service = serviceClient(env.server, { clientId: CLIENTS.serviceJwt, clientSecret: undefined, privateKey } as never);
      const failure = await service.getAccessToken(API_RESOURCE).catch((err: Error) => err);
      expect(failure).toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"options.privateKey"') });
      expect((failure as Error).message).not.toContain(privateKey.d);
    }
    expect(tokenRequests(env.server)).toHaveLength(0);
  });

  it('invalidate drops a rejected token but not a newer one', async () => {
    const service = serviceClient(env.server);
    const first = await service.getAccessToken(API_RESOURCE);
    await service.invalidate(first);
    const second = await service.getAccessToken(API_RESOURCE);
    expect(second).not.toBe(first);
    await service.invalidate(first); // late 401 for the old token
    expect(await service.getAccessToken(API_RESOURCE)).toBe(second);
    expect(tokenRequests(env.server)).toHaveLength(2);
  });
});
