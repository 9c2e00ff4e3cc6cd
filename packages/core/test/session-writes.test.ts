import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { walkSignIn } from '@audience/dev-server';
import { createInProcessLock, createMemoryStore, type KeyValueStore, type StoredSession } from '@audience/core';
import { API_RESOURCE, BILLING_RESOURCE, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });
const sessionLock = (): string => `audience:session:${new URL(env.server.issuer).href}:audience-spa`;
const isRefresh = (input: unknown, init?: RequestInit): boolean => String(input).endsWith('/token') && String(init?.body).includes('grant_type=refresh_token');

describe('every write of the session record is exclusive with every other', () => {
  it("a refresh finishing for alice never overwrites bob's sign-in made meanwhile in another tab", async () => {
    const shared = createMemoryStore();
    let duringCheck: (() => Promise<void>) | undefined;
    // The store of two tabs; after alice's refresh answer, the read that precedes the write lets bob's tab sign in.
    const store: KeyValueStore = {
      ...shared,
      async get(key) {
        const value = await shared.get(key);
        const hook = duringCheck;
        duringCheck = undefined;
        if (hook) await hook();
        return value as never;
      },
    };
    const lock = createInProcessLock();
    let armAfterRefresh = false;
    const fetchArmingTheHook: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (armAfterRefresh && isRefresh(input, init)) {
        armAfterRefresh = false;
        duringCheck = async () => {
          // Bob's tab completes its sign-in; if it has to wait for alice's lock, stop waiting after 300 ms.
          await Promise.race([bobSignIn(), sleep(300)]);
        };
      }
      return response;
    };
    const alice = makeClient(env.server, { store, lock, fetch: fetchArmingTheHook });
    const bob = makeClient(env.server, { store, lock });
    await signIn(alice.client, 'alice');
    env.clock.advance(130);
    const bobCallback = await walkSignIn(await bob.client.buildSignInUrl({ loginHint: 'bob' }));
    let bobDone: Promise<unknown> | undefined;
    const bobSignIn = (): Promise<unknown> => (bobDone ??= bob.client.handleCallback(bobCallback));

    armAfterRefresh = true;
    await alice.client.getAccessToken(API_RESOURCE);
    await bobDone;
    expect(bobDone).toBeDefined();
    expect((await shared.get<StoredSession>('session'))?.sub).toBe('bob');
  });

  it('a sign-in that narrows the resources while a call waits for the lock: the call is refused locally, no refresh token sent', async () => {
    const { client, store, lock } = makeClient(env.server);
    await signIn(client);
    const narrower = makeClient(env.server, { resources: [API_RESOURCE] });
    await signIn(narrower.client);
    const narrowed = await narrower.store.get<StoredSession>('session');
    env.clock.advance(130);
    env.server.control.clearLog();
    let call: Promise<unknown> | undefined;
    await lock(sessionLock(), async () => {
      call = client.getAccessToken(BILLING_RESOURCE).catch((err: unknown) => err);
      await sleep(50); // the call read the old session and now waits for the lock
      await store.set('session', narrowed); // another tab's sign-in, made while it held the lock
    });
    await expect(call).resolves.toMatchObject({ code: 'ERR_INVALID_RESOURCE' });
    expect(refreshRequests(env.server)).toHaveLength(0);
    expect((await store.get<StoredSession>('session'))?.id).toBe(narrowed!.id);
  });

  it('sign-out during a refresh: the refresh writes nothing back, the store stays empty', async () => {
    const { client, store } = makeClient(env.server);
    await signIn(client);
    env.clock.advance(130);
    env.server.control.injectFault('token', { type: 'delay', ms: 300 }, { times: 1 });
    const refreshing = client.getAccessToken(API_RESOURCE).catch((err: unknown) => err);
    await sleep(50);
    await client.signOut();
    await refreshing;
    expect(await store.get('session')).toBeUndefined();
    expect(client.getSnapshot()).toEqual({ status: 'signed-out', reason: 'signed_out' });
    await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
  });
});

describe('checks of the refresh path', () => {
  it("a refreshed ID token about another user (a validly signed one) is refused: ERR_ID_TOKEN, the user's session kept", async () => {
    // Bob's real refreshed ID token, signed by the issuer for this client.
    let bobsIdToken: string | undefined;
    const capture: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!isRefresh(input, init)) return response;
      const body = (await response.clone().json()) as { id_token?: string };
      bobsIdToken = body.id_token;
      return response;
    };
    const bob = makeClient(env.server, { fetch: capture });
    await signIn(bob.client, 'bob');
    await bob.client.getAccessToken(API_RESOURCE);
    expect(bobsIdToken).toEqual(expect.any(String));

    let swap = true;
    const swapping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!swap || !isRefresh(input, init)) return response;
      swap = false;
      return Response.json({ ...((await response.json()) as object), id_token: bobsIdToken });
    };
    const alice = makeClient(env.server, { fetch: swapping });
    await signIn(alice.client, 'alice');
    await expect(alice.client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_ID_TOKEN', message: expect.stringContaining('"bob"') });
    expect((await alice.store.get<StoredSession>('session'))?.claims.sub).toBe('alice');
    await expect(alice.client.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
  });

  it('an expired access token and no refresh token: ERR_LOGIN_REQUIRED, the session cleared, nothing sent', async () => {
    const withoutRefreshToken: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/token')) return response;
      const { refresh_token: _, ...body } = (await response.json()) as Record<string, unknown>;
      return Response.json(body);
    };
    const { client, store } = makeClient(env.server, { fetch: withoutRefreshToken });
    await signIn(client);
    expect((await store.get<StoredSession>('session'))?.refreshToken).toBeUndefined();
    await expect(client.getAccessToken()).resolves.toEqual(expect.any(String)); // the sign-in's userinfo token
    env.clock.advance(130);
    env.server.control.clearLog();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
    expect(await store.get('session')).toBeUndefined();
    expect(client.getSnapshot()).toEqual({ status: 'signed-out', reason: 'session_expired' });
    expect(env.server.control.requests('token')).toHaveLength(0);
  });

  it('invalid_target from the token endpoint is ERR_INVALID_RESOURCE and keeps the session', async () => {
    let refuse = true;
    const invalidTarget: typeof fetch = async (input, init) => {
      if (refuse && isRefresh(input, init)) {
        refuse = false; // answered here, not forwarded: the real refresh token stays unspent
        return Response.json({ error: 'invalid_target', error_description: 'resource not allowed' }, { status: 400 });
      }
      return fetch(input, init);
    };
    const { client, store } = makeClient(env.server, { fetch: invalidTarget });
    await signIn(client);
    const before = await store.get<StoredSession>('session');
    await expect(client.getAccessToken(API_RESOURCE)).rejects.toMatchObject({ code: 'ERR_INVALID_RESOURCE', error: 'invalid_target' });
    expect((await store.get<StoredSession>('session'))?.refreshToken).toBe(before?.refreshToken);
    await expect(client.getAccessToken(API_RESOURCE)).resolves.toMatch(/^eyJ/);
  });
});

