import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createInProcessLock, createMemoryStore, type KeyValueStore } from '@audience/core';
import { API_RESOURCE, BILLING_RESOURCE, makeClient, refreshRequests, signIn, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });

const RESOURCES = [undefined, API_RESOURCE, BILLING_RESOURCE] as const;
const TABS = 3;

/** What a tab does next: get a token (twice at once, as two components of a page would), or something else. */
type Operation =
  | { readonly kind: 'get'; readonly resource: 0 | 1 | 2; readonly force: boolean; readonly twice: boolean }
  | { readonly kind: 'invalidate' | 'reload' | 'expire' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), resource: fc.constantFrom(0 as const, 1 as const, 2 as const), force: fc.boolean(), twice: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('invalidate' as const, 'reload' as const, 'expire' as const) }) },
);
/** What happens to each token request in turn (those past the list are answered): sent, or failed before the server saw it. */
const tokenRequestFates = fc.array(fc.constantFrom('answered' as const, 'network down' as const, 'HTTP 503' as const), { maxLength: 12 });
/** Each tab's operations, one after the other; the tabs run at the same time. */
const tabOperations = fc.array(fc.array(operation, { maxLength: 5 }), { minLength: TABS, maxLength: TABS });

/** A store whose every read, write and delete runs when the scheduler says, like an IndexedDB shared by tabs. */
function scheduledStore(s: fc.Scheduler, inner: KeyValueStore): KeyValueStore {
  const later = <T>(label: string, run: () => Promise<T>): Promise<T> => s.schedule(Promise.resolve(), label).then(run);
  return {
    get: (key) => later(`get ${key}`, () => inner.get(key)),
    set: (key, value, options) => later(`set ${key}`, () => inner.set(key, value, options)),
    delete: (key) => later(`delete ${key}`, () => inner.delete(key)),
  };
}

describe('any interleaving of tabs, store and server', () => {
  it('three tabs sharing one session, every store operation and server answer delivered in any order, some token requests failing: no refresh token is sent twice, a call fails only with its request, the session is kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), tabOperations, tokenRequestFates, fc.boolean(), async (s, operations, fates, expiredAtStart) => {
        const store = createMemoryStore();
        const lock = createInProcessLock();
        await signIn(makeClient(env.server, { store, lock }).client);
        if (expiredAtStart) env.clock.advance(130);
        env.server.control.clearLog();

        // Every answer of the real server reaches its tab when the scheduler says (the request itself is sent at once).
        // Some token requests fail before the server sees them: the network is down, or a proxy answers 503.
        let tokenRequests = 0;
        let faults = true;
        const scheduledFetch: typeof fetch = (input, init) => {
          const endpoint = String(input).replace(/.*\//, '');
          const fate = faults && endpoint === 'token' ? (fates[tokenRequests++] ?? 'answered') : 'answered';
          const sent = fate === 'answered' ? fetch(input, init) : Promise.resolve(undefined);
          return s.schedule(sent, `${fate}: ${endpoint}`).then((response) => {
            if (fate === 'network down') throw new TypeError('fetch failed');
            return response ?? Response.json({ error: 'temporarily_unavailable' }, { status: 503 });
          });
        };
        const tabs = Array.from({ length: TABS }, () => makeClient(env.server, { store: scheduledStore(s, store), lock, fetch: scheduledFetch }).client);
        const last: Array<string | undefined> = Array.from({ length: TABS });

        const get = async (index: number, resource: string | undefined, force: boolean): Promise<void> => {
          const token = await tabs[index]!.getAccessToken(resource, { forceRefresh: force });
          // A token is handed out only for what was asked: a JWT for that API, or the opaque userinfo token.
          if (resource) expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ aud: resource });
          else expect(token.split('.')).toHaveLength(1);
          last[index] = token;
        };
        const runTab = async (index: number): Promise<void> => {
          for (const op of operations[index]!) {
            if (op.kind === 'get') {
              const resource = RESOURCES[op.resource];
              await Promise.all(op.twice ? [get(index, resource, op.force), get(index, resource, false)] : [get(index, resource, op.force)]);
            } else if (op.kind === 'invalidate') {
              const token = last[index];
              if (token) await tabs[index]!.invalidate(token); // an API answered 401 to it
            } else if (op.kind === 'reload') {
              await tabs[index]!.reload(); // another tab announced a change
            } else {
              env.clock.advance(130); // every token expires while the other tabs' calls are in flight
            }
          }
        };
        const outcomes = await s.waitFor(Promise.allSettled(tabs.map((_, index) => runTab(index))));
        // A call fails only because its token request failed, with the code that says so.
        const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: unknown }).code] : []));
        expect(codes.filter((code) => code !== 'ERR_NETWORK' && code !== 'ERR_SERVER_RESPONSE')).toEqual([]);
        if (!fates.some((fate) => fate !== 'answered')) expect(codes).toEqual([]);
        faults = false; // from here on every request is answered

        // The session survived whatever happened: every tab still gets a token, and then userinfo.
        env.clock.advance(130);
        await s.waitFor(Promise.all(tabs.map((tab) => tab.getAccessToken(API_RESOURCE))));
        await expect(s.waitFor(tabs[0]!.fetchUserInfo())).resolves.toMatchObject({ sub: 'alice' });

        const refreshes = refreshRequests(env.server);
        const presented = refreshes.map((r) => r.refreshToken);
        expect(new Set(presented).size).toBe(presented.length);
        expect(refreshes.filter((r) => r.status !== 200)).toEqual([]);
        expect(tabs.map((tab) => tab.getSnapshot().status)).toEqual(Array.from({ length: TABS }, () => 'signed-in'));
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
