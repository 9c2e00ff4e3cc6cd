import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import {
  API_RESOURCE,
  BILLING_RESOURCE,
  CLIENTS,
  startDevServer,
  walkSignIn,
  type DevServer,
} from '@audience/dev-server';
import {
  createInProcessLock,
  createMemoryStore,
  createOidcClient,
  type KeyValueStore,
  type LockFn,
  type OidcClient,
  type OidcClientOptions,
} from '@audience/core';

export { API_RESOURCE, BILLING_RESOURCE };
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const SCOPES = ['openid', 'offline_access', 'profile', 'read', 'write', 'invoices:read'];

/**
 * Moves the whole process's clock (Date only; timers stay real), so the dev server, oauth4webapi and the client agree
 * on time: JWT `exp` and `iat` minted by the server stay consistent with the client's expiry decisions.
 * Call `restore()` after the test.
 */
export function systemClock(): { advance(seconds: number): void; restore(): void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return {
    advance: (seconds) => vi.setSystemTime(Date.now() + seconds * 1000),
    restore: () => vi.useRealTimers(),
  };
}

/** A clock only the client sees (its `now` option); move it less than the server's token lifetimes. */
export function manualClock(start = Date.now()): { now: () => number; advance(seconds: number): void } {
  let time = start;
  return { now: () => time, advance: (seconds) => void (time += seconds * 1000) };
}

export function startServer(): Promise<DevServer> {
  return startDevServer({ interactionMode: 'auto', spaRedirectUris: [REDIRECT_URI] });
}

export interface TestClient {
  client: OidcClient;
  store: KeyValueStore;
  lock: LockFn;
}

/** An SPA client of the dev server with an in-memory store (pass one to share a session, like two tabs). */
export function makeClient(server: DevServer, overrides: Partial<OidcClientOptions> = {}): TestClient {
  const store = overrides.store ?? createMemoryStore();
  const lock = overrides.lock ?? createInProcessLock();
  const client = createOidcClient({
    issuer: server.issuer,
    clientId: CLIENTS.spa,
    redirectUri: REDIRECT_URI,
    scopes: SCOPES,
    resources: [API_RESOURCE, BILLING_RESOURCE],
    dangerouslyAllowInsecureHttp: true,
    ...overrides,
    store,
    lock,
  });
  return { client, store, lock };
}

/** Walks a real sign-in through the dev server and completes it. */
export async function signIn(client: OidcClient, loginHint?: string): Promise<void> {
  const url = await client.buildSignInUrl(loginHint ? { loginHint } : {});
  await client.handleCallback(await walkSignIn(url));
}

export function decodeJwt(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The refresh-token grants the server saw, in order. */
export function refreshRequests(server: DevServer) {
  return server.control.requests('token').filter((r) => r.grantType === 'refresh_token');
}

/** No refresh token was presented twice, and the server refused no refresh. */
export function expectNoRefreshTokenReuse(server: DevServer): void {
  const refreshes = refreshRequests(server);
  const presented = refreshes.map((r) => r.refreshToken);
  expect(new Set(presented).size).toBe(presented.length);
  expect(refreshes.filter((r) => r.status !== 200)).toEqual([]);
}

export interface TestEnv {
  readonly server: DevServer;
  /** The process clock (see {@link systemClock}); present when asked for. */
  readonly clock: ReturnType<typeof systemClock>;
}

/**
 * One dev server for a test file: started before its tests, stopped after; before each test the request log and
 * faults are cleared and, with `systemClock`, the process clock is faked (and restored after).
 */
export function useDevServer(options: { accessTokenTtl?: number; systemClock?: boolean } = {}): TestEnv {
  const env = {} as { server: DevServer; clock: ReturnType<typeof systemClock> };
  beforeAll(async () => {
    env.server = await startServer();
    if (options.accessTokenTtl) env.server.control.setTtl({ accessToken: options.accessTokenTtl });
  });
  afterAll(() => env.server.close());
  beforeEach(() => {
    env.server.control.clearLog();
    env.server.control.clearFaults();
    if (options.systemClock) env.clock = systemClock();
  });
  afterEach(() => env.clock?.restore());
  return env;
}
