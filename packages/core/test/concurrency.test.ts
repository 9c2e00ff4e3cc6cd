import { describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, decodeJwt, expectNoRefreshTokenReuse, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });

describe('one refresh at a time, with rotation and reuse detection on', () => {
  it('50 concurrent calls over no-resource, api and billing on a cold cache make exactly 3 token requests', async () => {
    const { client } = makeClient(env.server);
    await signIn(client);
    env.clock.advance(130); // every token from the sign-in is expired: a cold cache
    env.server.control.clearLog();

    const resources = [undefined, API_RESOURCE, BILLING_RESOURCE];
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => client.getAccessToken(resources[i % 3])));

    const refreshes = refreshRequests(env.server);
    expect(refreshes).toHaveLength(3);
    expect(refreshes.map((r) => r.resource ?? null).sort()).toEqual([API_RESOURCE, BILLING_RESOURCE, null].sort());
    expectNoRefreshTokenReuse(env.server);
    tokens.forEach((token, i) => {
      const resource = resources[i % 3];
      if (resource) expect(decodeJwt(token)['aud']).toBe(resource);
      else expect(token.split('.')).toHaveLength(1);
    });
    await expect(client.fetchUserInfo()).resolves.toMatchObject({ sub: 'alice' });
  });

  it('two clients sharing one store and lock (two tabs) race after expiry without sending a refresh token twice', async () => {
    const tab1 = makeClient(env.server);
    const tab2 = makeClient(env.server, { store: tab1.store, lock: tab1.lock });
    await signIn(tab1.client);
    await tab2.client.reload();
    expect(tab2.client.getSnapshot()).toMatchObject({ status: 'signed-in', claims: { sub: 'alice' } });

    for (let round = 0; round < 5; round++) {
      env.clock.advance(130);
      env.server.control.clearLog();
      const calls = [tab1.client, tab2.client].flatMap((c) => [
        c.getAccessToken(API_RESOURCE),
        c.getAccessToken(BILLING_RESOURCE),
        c.getAccessToken(),
      ]);
      const [a1, b1, u1, a2, b2, u2] = await Promise.all(calls);
      expect(refreshRequests(env.server)).toHaveLength(3);
      expectNoRefreshTokenReuse(env.server);
      // The tab that waited used its sibling's fresh tokens.
      expect([a2, b2, u2]).toEqual([a1, b1, u1]);
      expect(decodeJwt(a1!)['aud']).toBe(API_RESOURCE);
    }
    await expect(tab2.client.fetchUserInfo()).resolves.toMatchObject({ sub: 'alice' });
  });
});
