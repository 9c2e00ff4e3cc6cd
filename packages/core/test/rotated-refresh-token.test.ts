import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { StoredSession } from '@audience/core';
import { API_RESOURCE, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });

type Body = Record<string, unknown>;
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An ID token with its payload changed and its signature left as it was. */
function retargetIdToken(idToken: string, changes: Body): string {
  const [head, payload, signature] = idToken.split('.') as [string, string, string];
  return `${head}.${b64({ ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as Body), ...changes })}.${signature}`;
}

const alterations: Array<[string, string, (body: Body) => Body]> = [
  ['token_type "mac"', 'ERR_SERVER_RESPONSE', (b) => ({ ...b, token_type: 'mac' })],
  ['no token_type', 'ERR_SERVER_RESPONSE', ({ token_type: _, ...b }) => b],
  ['expires_in -5', 'ERR_SERVER_RESPONSE', (b) => ({ ...b, expires_in: -5 })],
  ['expires_in "abc"', 'ERR_SERVER_RESPONSE', (b) => ({ ...b, expires_in: 'abc' })],
  ['scope as an array', 'ERR_SERVER_RESPONSE', (b) => ({ ...b, scope: ['read'] })],
  ['a refreshed ID token for another aud', 'ERR_ID_TOKEN', (b) => ({ ...b, id_token: retargetIdToken(String(b['id_token']), { aud: 'another-client' }) })],
];

describe('a 200 refresh response that fails validation keeps the rotated refresh token', () => {
  it.each(alterations)('%s: %s, the rotated refresh token is stored, and the next call works without invalid_grant', async (_name, code, alter) => {
    let armed = true;
    let rotated: unknown;
    // Forwards to the real server; alters the first refresh answer after the server has rotated the refresh token.
    const altering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!armed || !String(input).endsWith('/token') || !String(init?.body).includes('grant_type=refresh_token')) return response;
      armed = false;
      const body = (await response.json()) as Body;
      rotated = body['refresh_token'];
      return Response.json(alter(body), { status: response.status });
    };
    const { client, store } = makeClient(env.server, { fetch: altering });
    await signIn(client);
    env.clock.advance(130);
    const before = (await store.get<StoredSession>('session'))!.refreshToken;

    const failure = await client.getAccessToken(API_RESOURCE).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code, cause: expect.any(Error) });
    // What console.error(err) prints keeps the reason, never the tokens of the body it was about.
    const printed = inspect(failure, { depth: Infinity });
    expect(printed).not.toContain(String(rotated));
    expect(printed).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(before);
    expect((await store.get<StoredSession>('session'))!.refreshToken).toBe(rotated);
    expect(client.getSnapshot().status).toBe('signed-in');

    await expect(client.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
    const log = refreshRequests(env.server);
    expect(log.map((r) => [r.status, r.error ?? null])).toEqual([[200, null], [200, null]]);
    expect(log[1]!.refreshToken).toBe(rotated);
  });
});
