// Property tests of one session shared by several clients (tabs, or replicas of a web app), in any order of their
// store operations and of the server's answers: the properties are built here and run with the store and lock of
// each platform (core's in-memory ones, Redis).
import fc from 'fast-check';
import { expect } from 'vitest';
import { walkSignIn } from '@audience/dev-server';
import { SESSION_KEY, type KeyValueStore, type LockFn, type OidcClient, type StoredSession } from '@audience/core';
import { API_RESOURCE, BILLING_RESOURCE, decodeJwt, expectNoRefreshTokenReuse, makeClient, signIn, type TestEnv } from './support.js';

const RESOURCES = [undefined, API_RESOURCE, BILLING_RESOURCE] as const;
const TABS = 3;

/** What a tab does next: get a token (twice at once, as two components of a page would), or something else. */
type Operation =
  | { readonly kind: 'get'; readonly resource: 0 | 1 | 2; readonly force: boolean; readonly twice: boolean }
  | { readonly kind: 'invalidate' | 'reload' | 'expire' | 'sign-out' }
  | { readonly kind: 'sign-in'; readonly user: 'alice' | 'bob' };

const get = fc.record({ kind: fc.constant('get' as const), resource: fc.constantFrom(0 as const, 1 as const, 2 as const), force: fc.boolean(), twice: fc.boolean() });
const other = fc.record({ kind: fc.constantFrom('invalidate' as const, 'reload' as const, 'expire' as const) });
const sessionChange = fc.oneof(fc.record({ kind: fc.constant('sign-in' as const), user: fc.constantFrom('alice' as const, 'bob' as const) }), fc.record({ kind: fc.constant('sign-out' as const) }));
/** Each tab's operations, one after the other; the tabs run at the same time. */
const tabOperations = (operation: fc.Arbitrary<Operation>): fc.Arbitrary<Operation[][]> => fc.array(fc.array(operation, { maxLength: 5 }), { minLength: TABS, maxLength: TABS });

/** What happens to each token request in turn (those past the list are answered): sent, or failed before the server saw it. */
type Fate = 'answered' | 'network down' | 'HTTP 503';
const tokenRequestFates = fc.array(fc.constantFrom<Fate>('answered', 'network down', 'HTTP 503'), { maxLength: 12 });

/**
 * The shared store, watched: a session record is written either as a new session (a sign-in) or over the same session
 * (a refresh, an invalidation). A session written back over another one, or after a sign-out, is a violation.
 */
export function watchedStore(inner: KeyValueStore): { store: KeyValueStore; violations: string[] } {
  const written = new Set<string>();
  const violations: string[] = [];
  let current: string | undefined;
  return {
    violations,
    store: {
      get: (key) => inner.get(key),
      set: (key, value, options) => {
        if (key === SESSION_KEY) {
          const { id } = value as StoredSession;
          if (id !== current && written.has(id)) violations.push(`session ${id} written back over ${current ?? 'a sign-out'}`);
          written.add(id);
          current = id;
        }
        return inner.set(key, value, options);
      },
      delete: (key) => {
        if (key === SESSION_KEY) current = undefined;
        return inner.delete(key);
      },
    },
  };
}

/** A store whose every read, write and delete runs when the scheduler says, like an IndexedDB shared by tabs. */
function scheduledStore(s: fc.Scheduler, inner: KeyValueStore): KeyValueStore {
  const later = <T>(label: string, run: () => Promise<T>): Promise<T> => s.schedule(Promise.resolve(), label).then(run);
  return {
    get: (key) => later(`get ${key}`, () => inner.get(key)),
    set: (key, value, options) => later(`set ${key}`, () => inner.set(key, value, options)),
    delete: (key) => later(`delete ${key}`, () => inner.delete(key)),
  };
}

/**
 * A fetch to the real server whose every answer reaches its tab when the scheduler says (the request itself is sent at
 * once). Token requests meet their fates in turn until `faults` is turned off: a failed one never reaches the server.
 */
function scheduledFetch(s: fc.Scheduler, fates: readonly Fate[]): { fetch: typeof fetch; faults: { on: boolean } } {
  const faults = { on: true };
  let tokenRequests = 0;
  return {
    faults,
    fetch: (input, init) => {
      const endpoint = String(input).replace(/.*\//, '');
      const fate = faults.on && endpoint === 'token' ? (fates[tokenRequests++] ?? 'answered') : 'answered';
      const sent = fate === 'answered' ? fetch(input, init) : Promise.resolve(undefined);
      return s.schedule(sent, `${fate}: ${endpoint}`).then((response) => {
        if (fate === 'network down') throw new TypeError('fetch failed');
        return response ?? Response.json({ error: 'temporarily_unavailable' }, { status: 503 });
      });
    },
  };
}

/** Runs every tab's operations (the tabs at the same time); returns the codes of the calls that failed. */
async function runTabs(env: TestEnv, s: fc.Scheduler, tabs: readonly OidcClient[], operations: readonly Operation[][]): Promise<unknown[]> {
  const last: Array<string | undefined> = [];
  const failed: unknown[] = [];
  let clockJumps = 0;
  const getToken = async (index: number, resource: string | undefined, force: boolean): Promise<void> => {
    const token = await tabs[index]!.getAccessToken(resource, { forceRefresh: force });
    // A token is handed out only for what was asked: a JWT for that API, or the opaque userinfo token.
    if (resource) expect(decodeJwt(token)).toMatchObject({ aud: resource });
    else expect(token.split('.')).toHaveLength(1);
    last[index] = token;
  };
  const perform = async (index: number, op: Operation): Promise<void> => {
    const tab = tabs[index]!;
    if (op.kind === 'get') {
      const resource = RESOURCES[op.resource];
      await Promise.all(op.twice ? [getToken(index, resource, op.force), getToken(index, resource, false)] : [getToken(index, resource, op.force)]);
    } else if (op.kind === 'invalidate') {
      if (last[index]) await tab.invalidate(last[index]); // an API answered 401 to it
    } else if (op.kind === 'reload') {
      await tab.reload(); // another tab announced a change
    } else if (op.kind === 'expire') {
      clockJumps++;
      env.clock.advance(130); // every token expires while the other tabs' calls are in flight
    } else if (op.kind === 'sign-in') {
      const jumps = clockJumps;
      await tab.handleCallback(await walkSignIn(await tab.buildSignInUrl({ loginHint: op.user }))).catch((err: unknown) => {
        // The authorization code lives a minute: a sign-in during which the clock jumped 130 s may fail, and must say so.
        if (clockJumps === jumps || (err as { code?: unknown }).code !== 'ERR_CALLBACK') throw err;
      });
    } else {
      await tab.signOut();
    }
  };
  const runTab = async (index: number): Promise<void> => {
    for (const op of operations[index]!) {
      await perform(index, op).catch((err: unknown) => {
        if (err instanceof Error && err.name === 'AssertionError') throw err;
        failed.push((err as { code?: unknown }).code ?? err);
      });
    }
  };
  await s.waitFor(Promise.all(tabs.map((_, index) => runTab(index))));
  return failed;
}

/** The store the clients of one run share (empty), and the lock each client uses (one lock, or one per process). */
export type Shared = () => Promise<{ readonly store: KeyValueStore; readonly lockOf: (client: number) => LockFn }>;

/**
 * Three clients share one session; every store operation and server answer is delivered in an order the scheduler
 * picks, tokens expire mid-flight, some token requests fail before the server sees them (network down, 503). No
 * refresh token may be sent twice, a call may fail only with its own request's code, and the session must survive.
 */
export function sharedSessionProperty(env: TestEnv, shared: Shared) {
  return fc.asyncProperty(fc.scheduler(), tabOperations(fc.oneof({ weight: 2, arbitrary: get }, other)), tokenRequestFates, fc.boolean(), async (s, operations, fates, expiredAtStart) => {
    const { store: inner, lockOf } = await shared();
    const { store, violations } = watchedStore(inner);
    await signIn(makeClient(env.server, { store, lock: lockOf(0) }).client);
    if (expiredAtStart) env.clock.advance(130);
    env.server.control.clearLog();
    const http = scheduledFetch(s, fates);
    const tabs = Array.from({ length: TABS }, (_, index) => makeClient(env.server, { store: scheduledStore(s, store), lock: lockOf(index), fetch: http.fetch }).client);

    const failed = await runTabs(env, s, tabs, operations);
    // A call fails only because its token request failed, with the code that says so.
    expect(failed.filter((code) => code !== 'ERR_NETWORK' && code !== 'ERR_SERVER_RESPONSE')).toEqual([]);
    if (!fates.some((fate) => fate !== 'answered')) expect(failed).toEqual([]);
    http.faults.on = false;

    // The session survived whatever happened: every tab still gets a token, and then userinfo.
    env.clock.advance(130);
    await s.waitFor(Promise.all(tabs.map((tab) => tab.getAccessToken(API_RESOURCE))));
    await expect(s.waitFor(tabs[0]!.fetchUserInfo())).resolves.toMatchObject({ sub: 'alice' });
    expectNoRefreshTokenReuse(env.server);
    expect(violations).toEqual([]);
    expect(tabs.map((tab) => tab.getSnapshot().status)).toEqual(Array.from({ length: TABS }, () => 'signed-in'));
  });
}

/**
 * Users sign in and out in three clients while the others get tokens, in any order of store operations and server
 * answers. A session record is written only as a new session or over itself, no refresh token is sent twice, calls
 * fail only with ERR_LOGIN_REQUIRED, and after a reload every client agrees with the store.
 */
export function sessionChangesProperty(env: TestEnv, shared: Shared) {
  return fc.asyncProperty(fc.scheduler(), tabOperations(fc.oneof({ weight: 3, arbitrary: get }, other, { weight: 2, arbitrary: sessionChange })), async (s, operations) => {
    const { store: inner, lockOf } = await shared();
    const { store, violations } = watchedStore(inner);
    await signIn(makeClient(env.server, { store, lock: lockOf(0) }).client, 'alice');
    env.server.control.clearLog();
    const http = scheduledFetch(s, []);
    const tabs = Array.from({ length: TABS }, (_, index) => makeClient(env.server, { store: scheduledStore(s, store), lock: lockOf(index), fetch: http.fetch }).client);

    const failed = await runTabs(env, s, tabs, operations);
    // A call fails only because the session it started with ended (signed out, or replaced by another user's).
    expect(failed.filter((code) => code !== 'ERR_LOGIN_REQUIRED')).toEqual([]);
    expect(violations).toEqual([]);
    expectNoRefreshTokenReuse(env.server);

    // Once every tab has re-read the store (the browser package does on each cross-tab message), all agree with it.
    await s.waitFor(Promise.all(tabs.map((tab) => tab.reload())));
    const session = await store.get<StoredSession>(SESSION_KEY);
    env.clock.advance(130);
    if (session) {
      const tokens = await s.waitFor(Promise.all(tabs.map((tab) => tab.getAccessToken(API_RESOURCE))));
      expect(tokens.map((token) => decodeJwt(token)['sub'])).toEqual(tabs.map(() => session.sub));
      expect(tabs.map((tab) => tab.getSnapshot().claims?.sub)).toEqual(tabs.map(() => session.sub));
    } else {
      const outcomes = await s.waitFor(Promise.allSettled(tabs.map((tab) => tab.getAccessToken(API_RESOURCE))));
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: unknown }).code : o.status))).toEqual(tabs.map(() => 'ERR_LOGIN_REQUIRED'));
      expect(tabs.map((tab) => tab.getSnapshot().status)).toEqual(tabs.map(() => 'signed-out'));
    }
    expectNoRefreshTokenReuse(env.server);
  });
}
