import { describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, decodeJwt, makeClient, manualClock, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 300 });

describe('expiry, leeway, forceRefresh and invalidate', () => {
  it('treats a token as expired once the leeway before its expiry is reached (injected clock)', async () => {
    const clock = manualClock();
    const { client, store } = makeClient(env.server, { now: clock.now, expiryLeewaySeconds: 30 });
    await signIn(client);
    const first = await client.getAccessToken(API_RESOURCE);
    const session = await store.get<{ tokens: Record<string, { expiresAt: number }> }>('session');
    const expiresAt = session!.tokens[API_RESOURCE]!.expiresAt;

    clock.advance((expiresAt - 31_000 - clock.now()) / 1000); // one second before the leeway starts
    expect(await client.getAccessToken(API_RESOURCE)).toBe(first);
    expect(refreshRequests(env.server)).toHaveLength(1);

    clock.advance(2); // inside the leeway
    const second = await client.getAccessToken(API_RESOURCE);
    expect(second).not.toBe(first);
    expect(refreshRequests(env.server)).toHaveLength(2);
  });

  it.each([
    ['expires_in earlier than exp', 100, 'expires_in'],
    ['exp earlier than expires_in', 10_000, 'exp'],
  ] as const)('uses the earlier of expires_in and the JWT exp (%s)', async (_name, expiresIn, winner) => {
    const clock = manualClock();
    // Forwards to the real server and changes only expires_in of the refresh response.
    const alter: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/token') || !String(init?.body).includes('refresh_token')) return response;
      return Response.json({ ...((await response.json()) as object), expires_in: expiresIn });
    };
    const { client, store } = makeClient(env.server, { now: clock.now, fetch: alter });
    await signIn(client);
    const token = await client.getAccessToken(API_RESOURCE);
    const session = await store.get<{ tokens: Record<string, { expiresAt: number }> }>('session');
    const expiresAt = session!.tokens[API_RESOURCE]!.expiresAt;
    const exp = (decodeJwt(token)['exp'] as number) * 1000;
    expect(expiresAt).toBe(winner === 'exp' ? exp : clock.now() + expiresIn * 1000);
    expect(expiresAt).toBeLessThan(winner === 'exp' ? clock.now() + expiresIn * 1000 : exp);
  });

  it('a token that lives no longer than the leeway is still reused: the leeway is capped to a quarter of its lifetime', async () => {
    env.server.control.setTtl({ accessToken: 20 });
    try {
      const clock = manualClock();
      const { client } = makeClient(env.server, { now: clock.now }); // default leeway: 30 s
      await signIn(client);
      env.server.control.clearLog();
      const tokens = new Set<string>();
      for (let i = 0; i < 20; i++) tokens.add(await client.getAccessToken(API_RESOURCE));
      expect(tokens.size).toBe(1);
      expect(refreshRequests(env.server)).toHaveLength(1);
      clock.advance(14); // 20 s token, 5 s leeway: still fresh at 14 s…
      expect(await client.getAccessToken(API_RESOURCE)).toBe([...tokens][0]);
      clock.advance(2); // …and not at 16 s
      expect(await client.getAccessToken(API_RESOURCE)).not.toBe([...tokens][0]);
      expect(refreshRequests(env.server)).toHaveLength(2);
    } finally {
      env.server.control.setTtl({ accessToken: 300 });
    }
  });

  it('forceRefresh bypasses the cache, and concurrent forced calls share one request', async () => {
    const { client } = makeClient(env.server);
    await signIn(client);
    const first = await client.getAccessToken(API_RESOURCE);
    env.server.control.clearLog();
    const [a, b] = await Promise.all([
      client.getAccessToken(API_RESOURCE, { forceRefresh: true }),
      client.getAccessToken(API_RESOURCE, { forceRefresh: true }),
    ]);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(refreshRequests(env.server)).toHaveLength(1);
    expect(await client.getAccessToken(API_RESOURCE)).toBe(a);
  });

  it('invalidate drops the rejected token but never a newer one', async () => {
    const tab1 = makeClient(env.server);
    const tab2 = makeClient(env.server, { store: tab1.store, lock: tab1.lock });
    await signIn(tab1.client);
    const old = await tab1.client.getAccessToken(API_RESOURCE);
    const newer = await tab2.client.getAccessToken(API_RESOURCE, { forceRefresh: true });
    expect(newer).not.toBe(old);
    env.server.control.clearLog();
    await tab1.client.invalidate(old); // tab1's API call with the old token got a 401
    expect(await tab1.client.getAccessToken(API_RESOURCE)).toBe(newer);
    expect(refreshRequests(env.server)).toHaveLength(0);

    await tab1.client.invalidate(newer);
    const third = await tab1.client.getAccessToken(API_RESOURCE);
    expect(third).not.toBe(newer);
    expect(refreshRequests(env.server)).toHaveLength(1);
  });
});
