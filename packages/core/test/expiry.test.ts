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

  it('uses the earlier of expires_in and the JWT exp', async () => {
    const clock = manualClock();
    const { client, store } = makeClient(env.server, { now: clock.now });
    await signIn(client);
    const token = await client.getAccessToken(API_RESOURCE);
    const session = await store.get<{ tokens: Record<string, { expiresAt: number }> }>('session');
    const expiresAt = session!.tokens[API_RESOURCE]!.expiresAt;
    expect(expiresAt).toBeLessThanOrEqual((decodeJwt(token)['exp'] as number) * 1000);
    expect(expiresAt).toBeLessThanOrEqual(clock.now() + 300_000);
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
